package io.editlab.host.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainHypernetCommandTest {

    @Test
    void validationIsAFractionBelowOneElseACount() {
        assertEquals(60, TrainHypernetCommand.validationCount("0.1", 600));
        assertEquals(0, TrainHypernetCommand.validationCount("0", 600));
        assertEquals(25, TrainHypernetCommand.validationCount("25", 600));
        assertThrows(Args.UsageException.class, () -> TrainHypernetCommand.validationCount("600", 600));
        assertThrows(Args.UsageException.class, () -> TrainHypernetCommand.validationCount("2.5", 600));
        assertThrows(Args.UsageException.class, () -> TrainHypernetCommand.validationCount("-0.1", 600));
        assertThrows(Args.UsageException.class, () -> TrainHypernetCommand.validationCount("many", 600));
    }

    @Test
    void configEntriesBecomeOverrides() {
        assertEquals(
                Map.of("rank", "64", "layers", "2,3"),
                TrainHypernetCommand.overrides(List.of("rank=64", "layers=2,3")));
        assertThrows(Args.UsageException.class, () -> TrainHypernetCommand.overrides(List.of("rank")));
        assertThrows(Args.UsageException.class, () -> TrainHypernetCommand.overrides(List.of("rank=1", "rank=2")));
    }
}
