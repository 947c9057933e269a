package io.editlab.metric.cost.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.editlab.api.edit.EditResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EditStepRatioMetricTest {

    @Test
    void meanStepTimeOverThePlainPassOfAMeanSizedBatch() {
        var result = EditStepRatioMetric.of(
                List.of(
                        new EditResult(4, 1L, null, Map.of("step_seconds", 0.02)),
                        new EditResult(4, 1L, null, Map.of("step_seconds", 0.04)),
                        new EditResult(0, 1L, null, Map.of()),
                        new EditResult(2, 1L, null, Map.of("step_seconds", 0.03))),
                batch -> {
                    assertEquals(3, batch, "the mean size of the batches that stepped");
                    return 0.01;
                });
        assertEquals(3.0, result.value(), 1e-12);
        assertEquals(3, result.samples());
        assertEquals(0.03, result.details().get("step_seconds"), 1e-12);
        assertEquals(0.01, result.details().get("forward_backward_seconds"), 1e-12);
    }

    @Test
    void editorsWithoutStepsAreNotANumberAndCostNoReferencePass() {
        var result = EditStepRatioMetric.of(
                List.of(new EditResult(1, 1L, null, Map.of("final_loss", 0.1))),
                batch -> fail("no reference pass is needed"));
        assertEquals(Double.NaN, result.value());
    }
}
