package io.editlab.editkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdamTest {

    /** Minimises sum(w^2 * c) and checks every step against Adam computed by hand in doubles. */
    @Test
    void followsTheTextbookUpdateAndZeroesGradients() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray w = manager.create(new float[] {1.0f, -2.0f, 0.5f});
            float[] c = {1f, 3f, 0.1f};
            NDArray coefficients = manager.create(c);
            w.setRequiresGradient(true);
            Adam adam = new Adam(manager, List.of(w), 0.1f);
            double[] x = {1.0, -2.0, 0.5};
            double[] m = new double[3];
            double[] v = new double[3];
            for (int t = 1; t <= 4; t++) {
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    collector.backward(w.square().mul(coefficients).sum());
                }
                adam.step();
                for (int i = 0; i < 3; i++) {
                    double g = 2 * c[i] * x[i];
                    m[i] = 0.9 * m[i] + 0.1 * g;
                    v[i] = 0.999 * v[i] + 0.001 * g * g;
                    double mHat = m[i] / (1 - Math.pow(0.9, t));
                    double vHat = v[i] / (1 - Math.pow(0.999, t));
                    x[i] -= 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
                }
                float[] actual = w.toFloatArray();
                for (int i = 0; i < 3; i++) {
                    assertEquals(x[i], actual[i], 1e-4, "step " + t + ", element " + i);
                }
                try (NDArray gradient = w.getGradient()) {
                    assertEquals(0f, gradient.abs().sum().getFloat(), "gradients are zeroed after a step");
                }
            }
            assertEquals(4, adam.steps());
        }
    }

    @Test
    void clippingBoundsTheGlobalNorm() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray a = manager.create(new float[] {3f});
            NDArray b = manager.create(new float[] {4f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                collector.backward(
                        a.square().mul(0.5f).add(b.square().mul(0.5f)).sum());
            }
            Adam adam = new Adam(manager, List.of(a, b), 0.1f);
            assertEquals(5.0, adam.clipGradientNorm(1.0), 1e-5, "gradients (3, 4) have norm 5");
            try (NDArray ga = a.getGradient();
                    NDArray gb = b.getGradient()) {
                assertEquals(0.6f, ga.getFloat(0), 1e-4f);
                assertEquals(0.8f, gb.getFloat(0), 1e-4f);
            }
        }
    }

    @Test
    void clippingLeavesNoArraysBehind() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray w = manager.create(new float[] {1f, 2f});
            w.setRequiresGradient(true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                collector.backward(w.square().sum());
            }
            Adam adam = new Adam(manager, List.of(w), 0.1f);
            int before = manager.getManagedArrays().size();
            for (int i = 0; i < 10; i++) {
                adam.clipGradientNorm(1.0);
            }
            assertEquals(before, manager.getManagedArrays().size());
        }
    }

    @Test
    void zeroingClearsEvenNaNGradients() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray w = manager.create(new float[] {1f, 2f});
            w.setRequiresGradient(true);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                collector.backward(w.mul(Float.NaN).sum());
            }
            Adam adam = new Adam(manager, List.of(w), 0.1f);
            assertEquals(Double.NaN, adam.clipGradientNorm(1.0));
            adam.zeroGradients();
            try (NDArray gradient = w.getGradient()) {
                assertEquals(0f, gradient.abs().sum().getFloat());
            }
        }
    }

    @Test
    void rejectsNonsenseSettings() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> new Adam(manager, List.of(), 0f));
            assertThrows(IllegalArgumentException.class, () -> new Adam(manager, List.of(), 0.1f, 1f, 0.9f, 1e-8f, 0));
        }
    }

    /** An optimiser restored from another's saved moments and step count goes on exactly as it would have. */
    @Test
    void aRestoredOptimiserContinuesExactlyWhereTheSavedOneWas() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray coefficients = manager.create(new float[] {1f, 3f, 0.1f});
            NDArray w = manager.create(new float[] {1.0f, -2.0f, 0.5f});
            w.setRequiresGradient(true);
            Adam original = new Adam(manager, List.of(w), 0.1f);
            for (int t = 0; t < 3; t++) {
                descend(manager, w, coefficients, original);
            }
            NDArray resumed = w.duplicate();
            resumed.setRequiresGradient(true);
            Adam restored = new Adam(manager, List.of(resumed), 0.1f);
            restored.restore(
                    List.of(original.means().get(0).duplicate()),
                    List.of(original.variances().get(0).duplicate()),
                    original.steps());
            descend(manager, w, coefficients, original);
            descend(manager, resumed, coefficients, restored);
            assertEquals(4, restored.steps());
            float[] expected = w.toFloatArray();
            float[] actual = resumed.toFloatArray();
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], actual[i], 0f, "element " + i);
            }
            assertThrows(
                    IllegalArgumentException.class,
                    () -> restored.restore(List.of(), List.of(), 1),
                    "a state of another parameter list is refused");
            assertThrows(
                    IllegalArgumentException.class,
                    () -> restored.restore(
                            List.of(manager.zeros(new ai.djl.ndarray.types.Shape(2))),
                            List.of(manager.zeros(new ai.djl.ndarray.types.Shape(2))),
                            1),
                    "a moment of another shape is refused");
        }
    }

    private static void descend(NDManager manager, NDArray w, NDArray coefficients, Adam adam) {
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            collector.backward(w.square().mul(coefficients).sum());
        }
        adam.step();
    }
}
