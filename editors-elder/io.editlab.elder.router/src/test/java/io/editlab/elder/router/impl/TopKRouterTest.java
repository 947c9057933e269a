package io.editlab.elder.router.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.editlab.api.route.Routing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopKRouterTest {

    NDManager manager;
    final TopKRouter router = new TopKRouter();

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void keepsTheTopKRawProbabilitiesAndTheirCode() {
        // one query [1, 0]; 4 experts whose weights make the scores 2, 0, 1, -1
        NDArray query = manager.create(new float[] {1, 0}, new Shape(1, 2));
        NDArray weights = manager.create(new float[] {2, 0, 0, 5, 1, 7, -1, 3}, new Shape(4, 2));
        Routing routing = router.route(query, weights, null, 2);
        double[] scores = {2, 0, 1, -1};
        double sum = 0;
        for (double s : scores) {
            sum += Math.exp(s);
        }
        float[] p = routing.probabilities().toFloatArray();
        for (int e = 0; e < 4; e++) {
            assertEquals(Math.exp(scores[e]) / sum, p[e], 1e-6, "softmax of expert " + e);
        }
        assertArrayEquals(new float[] {1, 0, 1, 0}, routing.selected().toFloatArray(), "experts 0 and 2 are the top 2");
        assertArrayEquals(new float[] {p[0], 0, p[2], 0}, routing.gates().toFloatArray(), 1e-7f, "not renormalised");
    }

    @Test
    void routesEachQueryOfABatchOnItsOwnAndUsesTheBias() {
        NDArray queries = manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
        NDArray weights = manager.create(new float[] {1, 0, 0, 1, 0, 0}, new Shape(3, 2));
        NDArray bias = manager.create(new float[] {0, 0, 5});
        Routing routing = router.route(queries, weights, bias, 1);
        assertArrayEquals(
                new float[] {0, 0, 1, 0, 0, 1}, routing.selected().toFloatArray(), "the bias makes expert 2 win");
        assertEquals(new Shape(2, 3), routing.gates().getShape());
    }

    @Test
    void gatesAreDifferentiableWithRespectToTheRouterWeights() {
        NDArray query = manager.create(new float[] {1, 2}, new Shape(1, 2));
        NDArray weights = manager.create(new float[] {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, -0.6f}, new Shape(3, 2));
        weights.setRequiresGradient(true);
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            collector.backward(router.route(query, weights, null, 2).gates().sum());
        }
        try (NDArray gradient = weights.getGradient()) {
            assertEquals(true, gradient.abs().sum().getFloat() > 0, "the gates depend on the weights");
        }
    }

    @Test
    void kMustFitTheExperts() {
        NDArray query = manager.create(new float[] {1}, new Shape(1, 1));
        NDArray weights = manager.create(new float[] {1, 2}, new Shape(2, 1));
        assertThrows(IllegalArgumentException.class, () -> router.route(query, weights, null, 3));
        assertThrows(IllegalArgumentException.class, () -> router.route(query, weights, null, 0));
    }
}
