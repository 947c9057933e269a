package io.editlab.metric.cost.impl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.EditResult;
import io.editlab.api.model.ParameterInfo;
import io.editlab.api.model.WeightLayout;
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

    @Test
    void theScratchSessionNeedsAFloat32DeltaAndGradientPerWeight() {
        var parameters = List.of(
                new ParameterInfo("a", new Shape(4096, 4096), DataType.FLOAT16, WeightLayout.IN_OUT),
                new ParameterInfo("b", new Shape(4096), DataType.FLOAT16, WeightLayout.IN_OUT));
        assertEquals((4096L * 4096 + 4096) * 8, EditStepRatioMetric.scratchBytes(parameters));
    }

    @Test
    void refusesWhenTheMachineHasTooLittleMemoryLeft() {
        var refused = assertThrows(
                IllegalStateException.class, () -> EditStepRatioMetric.requireMemory(54L << 30, 20L << 30));
        assertTrue(refused.getMessage().contains("54.0 GiB"), refused.getMessage());
        assertTrue(refused.getMessage().contains("20.0 GiB available"), refused.getMessage());
        assertDoesNotThrow(() -> EditStepRatioMetric.requireMemory(1L << 30, 20L << 30));
        assertDoesNotThrow(() -> EditStepRatioMetric.requireMemory(1L << 30, -1), "unknown: measure");
    }
}
