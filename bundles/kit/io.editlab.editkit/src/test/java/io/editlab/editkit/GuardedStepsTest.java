package io.editlab.editkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardedStepsTest {

    @Test
    void aNonFiniteLossOrGradientMovesNothingAndIsCountedInARow() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray w = manager.create(new float[] {1.0f, -2.0f});
            w.setRequiresGradient(true);
            GuardedSteps guard = new GuardedSteps(List.of(new Adam(manager, List.of(w), 0.1f)));
            float[] before = w.toFloatArray();
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                assertFalse(guard.step(collector, w.sum().mul(Float.NaN)), "a NaN loss");
            }
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                // finite loss, infinite gradient: d/dw sqrt(w - w) at 0
                assertFalse(guard.step(collector, w.sub(w.stopGradient()).sqrt().sum()), "an infinite gradient");
            }
            assertArrayEquals(before, w.toFloatArray(), "nothing moved");
            assertEquals(0f, w.getGradient().abs().sum().getFloat(), "the gradients were zeroed");
            assertEquals(2, guard.inARow());
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                assertTrue(guard.step(collector, w.square().sum()));
            }
            assertNotEquals(before[0], w.toFloatArray()[0], "a finite step moves");
            assertEquals(0, guard.inARow(), "a step taken ends the run of skips");
            assertEquals(2, guard.skipped());
            assertEquals(1, guard.taken());
            assertTrue(Double.isNaN(guard.meanStepSeconds()), "no whole step was timed");
        }
    }
}
