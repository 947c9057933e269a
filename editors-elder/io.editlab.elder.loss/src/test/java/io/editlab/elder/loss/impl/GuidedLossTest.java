package io.editlab.elder.loss.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GuidedLossTest {

    NDManager manager;
    final GuidedLoss loss = new GuidedLoss();

    @BeforeEach
    void open() {
        manager = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void sumsOverLayersAndAllocatedExpertsAndAveragesOverTheBatch() {
        // 2 edits, 2 layers, 3 LoRAs, k = 2
        NDArray p = manager.create(
                new float[] {
                    0.5f, 0.3f, 0.2f, /* edit 0, layer 0 */ 0.1f, 0.6f, 0.3f, /* edit 0, layer 1 */
                    0.2f, 0.2f, 0.6f, /* edit 1, layer 0 */ 0.7f, 0.1f, 0.2f /* edit 1, layer 1 */
                },
                new Shape(2, 2, 3));
        NDArray a = manager.create(new float[] {1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 1}, new Shape(2, 2, 3));
        double expected = -(Math.log(0.5)
                        + Math.log(0.3)
                        + Math.log(0.6)
                        + Math.log(0.3)
                        + Math.log(0.2)
                        + Math.log(0.6)
                        + Math.log(0.7)
                        + Math.log(0.2))
                / 2;
        assertEquals(expected, loss.compute(p, a).getFloat(), 1e-5);
    }

    @Test
    void aPerfectAllocationCostsNothingAndZeroProbabilitiesElsewhereStayFinite() {
        NDArray p = manager.create(new float[] {1, 0, 0}, new Shape(1, 3));
        NDArray a = manager.create(new float[] {1, 0, 0}, new Shape(1, 3));
        assertEquals(0f, loss.compute(p, a).getFloat(), 1e-6);
    }

    @Test
    void itPullsTheRouterTowardsTheAllocation() {
        NDArray logits = manager.create(new float[] {0, 0, 0}, new Shape(1, 3));
        logits.setRequiresGradient(true);
        NDArray a = manager.create(new float[] {0, 0, 1}, new Shape(1, 3));
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            collector.backward(loss.compute(logits.softmax(-1), a));
        }
        try (NDArray gradient = logits.getGradient()) {
            float[] g = gradient.toFloatArray();
            assertTrue(g[2] < 0 && g[0] > 0 && g[1] > 0, "descending raises the allocated expert's score");
        }
    }

    @Test
    void shapesMustAgree() {
        assertThrows(
                IllegalArgumentException.class,
                () -> loss.compute(manager.ones(new Shape(2, 3)), manager.ones(new Shape(2, 4))));
        assertThrows(
                IllegalArgumentException.class,
                () -> loss.compute(manager.ones(new Shape(3)), manager.ones(new Shape(3))));
    }
}
