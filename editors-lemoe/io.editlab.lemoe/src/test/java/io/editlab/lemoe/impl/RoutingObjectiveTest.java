package io.editlab.lemoe.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class RoutingObjectiveTest {

    /** The cross-entropy's value and its gradient with respect to the scores, for the router's softmax. */
    private static float[] lossAndGradient(float[] scores, int target) {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray s = manager.create(scores, new Shape(1, scores.length));
            s.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = RoutingObjective.crossEntropy(manager, s, s.softmax(1), new int[] {target});
                collector.backward(loss);
                float[] gradient = s.getGradient().toFloatArray();
                return new float[] {loss.getFloat(), gradient[0], gradient[1]};
            }
        }
    }

    @Test
    void theRoutersProbabilitiesGiveTheCrossEntropyAndItsGradient() {
        float[] result = lossAndGradient(new float[] {0f, 1f}, 0);
        double p0 = 1 / (1 + Math.exp(1));
        assertEquals(-Math.log(p0), result[0], 1e-5);
        assertArrayEquals(new float[] {(float) (p0 - 1), (float) (1 - p0)}, new float[] {result[1], result[2]}, 1e-5f);
    }

    /** The case that stopped LEMoE's router training: a target probability that underflows in float32. */
    @Test
    void anUnderflowedProbabilityKeepsTheLogSoftmaxGradient() {
        float[] result = lossAndGradient(new float[] {0f, 120f}, 0);
        assertEquals(120.0, result[0], 1e-3, "-log p = the score gap");
        assertArrayEquals(new float[] {-1f, 1f}, new float[] {result[1], result[2]}, 1e-5f);
    }
}
