package io.editlab.lemoe.router.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.editlab.api.route.Routing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvAnchorRouterTest {

    NDManager manager;
    final KvAnchorRouter router = new KvAnchorRouter();

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void keepsTheTopOneWithItsRawSoftmaxScore() {
        // value [1, 2]; keys give the scores 1, 4, -1
        NDArray value = manager.create(new float[] {1, 2}, new Shape(1, 2));
        NDArray keys = manager.create(new float[] {1, 0, 0, 2, 1, -1}, new Shape(3, 2));
        Routing routing = router.route(value, keys, null, 1);
        double sum = Math.exp(1) + Math.exp(4) + Math.exp(-1);
        float[] p = routing.probabilities().toFloatArray();
        assertEquals(Math.exp(1) / sum, p[0], 1e-6);
        assertEquals(Math.exp(4) / sum, p[1], 1e-6);
        assertEquals(Math.exp(-1) / sum, p[2], 1e-6);
        assertArrayEquals(new float[] {0, 1, 0}, routing.selected().toFloatArray());
        assertArrayEquals(new float[] {0, p[1], 0}, routing.gates().toFloatArray(), 1e-7f, "not renormalised to 1");
    }

    @Test
    void perExpertScoresAgainstIdentityKeysAreRoutedAsTheyAre() {
        // two experts with their own values: expert 0 scores k_0 . v_0(x) = 3, expert 1 scores 2
        NDArray scores = manager.create(new float[] {3, 2}, new Shape(1, 2));
        Routing routing = router.route(scores, manager.eye(2), null, 1);
        double p0 = Math.exp(3) / (Math.exp(3) + Math.exp(2));
        assertEquals(p0, routing.probabilities().toFloatArray()[0], 1e-6, "scores 3 and 2");
        assertArrayEquals(new float[] {1, 0}, routing.selected().toFloatArray());
    }

    @Test
    void tiesGoToTheFirstExpertEveryTime() {
        NDArray value = manager.create(new float[] {1, 1, 2, 2}, new Shape(2, 2));
        NDArray keys = manager.create(new float[] {0, 0, 1, 1, 2, 0}, new Shape(3, 2));
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(
                    new float[] {0, 1, 0, 0, 1, 0},
                    router.route(value, keys, null, 1).selected().toFloatArray(),
                    "experts 1 and 2 tie; 1 wins");
        }
    }

    @Test
    void routesABatchRowByRowAndAddsTheBias() {
        NDArray values = manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
        NDArray keys = manager.create(new float[] {1, 0, 0, 1, 0, 0}, new Shape(3, 2));
        NDArray bias = manager.create(new float[] {0, 0, 5});
        assertArrayEquals(
                new float[] {0, 0, 1, 0, 0, 1},
                router.route(values, keys, bias, 1).selected().toFloatArray());
        Routing two = router.route(values, keys, null, 2);
        assertArrayEquals(new float[] {2, 2}, two.selected().sum(new int[] {1}).toFloatArray(), "k = 2 keeps two");
    }

    @Test
    void theGateIsDifferentiableWithRespectToKeysAndValues() {
        NDArray value = manager.create(new float[] {0.5f, -1}, new Shape(1, 2));
        NDArray keys = manager.create(new float[] {0.1f, 0.2f, -0.3f, 0.4f}, new Shape(2, 2));
        value.setRequiresGradient(true);
        keys.setRequiresGradient(true);
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            collector.backward(router.route(value, keys, null, 1).gates().sum());
        }
        try (NDArray k = keys.getGradient();
                NDArray v = value.getGradient()) {
            assertTrue(k.abs().sum().getFloat() > 0, "the gate depends on the keys");
            assertTrue(v.abs().sum().getFloat() > 0, "the gate depends on the value");
        }
    }

    @Test
    void badArgumentsAreRefused() {
        NDArray value = manager.create(new float[] {1, 2}, new Shape(1, 2));
        NDArray keys = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
        assertThrows(IllegalArgumentException.class, () -> router.route(value, keys, null, 0));
        assertThrows(IllegalArgumentException.class, () -> router.route(value, keys, null, 3));
        assertThrows(IllegalArgumentException.class, () -> router.route(value, manager.ones(new Shape(2, 3)), null, 1));
        assertThrows(IllegalArgumentException.class, () -> router.route(value, keys, manager.ones(new Shape(3)), 1));
    }
}
