package io.editlab.host.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressBarTest {

    @Test
    void showsFractionElapsedAndRemainingTime() {
        assertEquals(
                "[###############...............]  50%  epoch 1/2  elapsed 1:00  eta 1:00",
                ProgressBar.line("epoch 1/2", 50, 100, 60));
        assertEquals(
                "[..............................]   0%  start  elapsed 0:00  eta ?",
                ProgressBar.line("start", 0, 10, 0));
    }

    @Test
    void countsWithoutATotal() {
        assertEquals("reading  42  2:05", ProgressBar.line("reading", 42, -1, 125));
    }

    @Test
    void withoutATerminalPrintsPlainLinesAtEachTenthAndStage() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ProgressBar bar =
                new ProgressBar(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8), false);
        for (int done = 0; done <= 100; done++) {
            bar.progress("editing", done, 100);
        }
        bar.progress("evaluating", 0, 5);
        bar.done();
        String[] lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n");
        assertEquals(12, lines.length, String.join("\n", lines)); // 0%, 10%, ..., 100%, then the new stage
        assertEquals(
                false,
                String.join("", lines).contains("\r") || String.join("", lines).contains("\u001b"));
        assertEquals(true, lines[5].startsWith("[###############...............]  50%  editing"), lines[5]);
        assertEquals(true, lines[11].contains("evaluating"), lines[11]);
    }
}
