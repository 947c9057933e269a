package io.editlab.host.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void showsFractionElapsedAndRemainingTime() {
        assertEquals("[###############...............]  50%  epoch 1/2  elapsed 1:00  eta 1:00",
                ProgressBar.line("epoch 1/2", 50, 100, 60));
        assertEquals("[..............................]   0%  start  elapsed 0:00  eta ?", ProgressBar.line("start", 0, 10, 0));
    }

    @Test
    void countsWithoutATotal() {
        assertEquals("reading  42  2:05", ProgressBar.line("reading", 42, -1, 125));
    }
}
