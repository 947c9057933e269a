package io.editlab.editkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class CopiesTest {

    @Test
    void aCopyBelongsToTheGivenManagerAndOutlivesTheSource() {
        try (NDManager target = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray copy;
            NDArray detached;
            try (NDManager source = Engine.getEngine("PyTorch").newBaseManager()) {
                NDArray original = source.create(new float[] {1, 2, 3});
                original.setRequiresGradient(true);
                copy = Copies.into(target, original);
                detached = Copies.detached(target, original);
                assertSame(target, copy.getManager());
                assertSame(target, detached.getManager());
                assertFalse(detached.hasGradient(), "no gradient history");
                original.setRequiresGradient(false);
                original.addi(10);
            }
            assertArrayEquals(new float[] {1, 2, 3}, copy.toFloatArray(), "a copy, not a view");
            assertArrayEquals(new float[] {1, 2, 3}, detached.toFloatArray());
            assertTrue(target.getManagedArrays().contains(copy));
        }
    }

    /** On a thread that never trained, PyTorch's gradient mode is on: a plain in-place write into a leaf fails there. */
    @Test
    void assignWritesIntoATrainableLeafOnAFreshThread() throws Exception {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray weight = manager.zeros(new Shape(2, 2));
            weight.setRequiresGradient(true);
            NDArray values = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            java.util.concurrent.ExecutorService fresh = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                Throwable plain = fresh.submit(() -> {
                            try {
                                weight.set(new ai.djl.ndarray.index.NDIndex("..."), values);
                                return null;
                            } catch (RuntimeException e) {
                                return e;
                            }
                        })
                        .get();
                assertTrue(
                        plain != null && plain.getMessage().contains("leaf Variable"), "a plain write fails: " + plain);
                fresh.submit(() -> Copies.assign(weight, values)).get();
            } finally {
                fresh.shutdown();
            }
            assertArrayEquals(new float[] {1, 2, 3, 4}, weight.toFloatArray());
            assertTrue(weight.hasGradient(), "it is still a trainable leaf");
        }
    }
}
