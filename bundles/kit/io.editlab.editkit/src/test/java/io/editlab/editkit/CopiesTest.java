package io.editlab.editkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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
}
