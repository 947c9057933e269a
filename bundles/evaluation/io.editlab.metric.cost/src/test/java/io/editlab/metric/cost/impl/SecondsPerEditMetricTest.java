package io.editlab.metric.cost.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.editlab.api.edit.EditResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecondsPerEditMetricTest {

    @Test
    void totalTimeOverTotalEdits() {
        var result = SecondsPerEditMetric.of(
                List.of(new EditResult(2, 1_000_000_000L, null, null), new EditResult(3, 2_000_000_000L, null, null)));
        assertEquals(0.6, result.value(), 1e-12);
        assertEquals(5, result.samples());
        assertEquals(3.0, result.details().get("total"), 1e-12);
    }

    @Test
    void noEditsYetIsNotANumber() {
        assertEquals(Double.NaN, SecondsPerEditMetric.of(List.of()).value());
    }
}
