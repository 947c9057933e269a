package io.editlab.elder.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.route.Routing;
import io.editlab.elder.router.impl.TopKRouter;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Codes from router selections and the Hamming deferral test, on hand-made codes. */
class CodeMemoryTest {

    /** The code with the given bits set. */
    private static BitSet bits(int... set) {
        BitSet code = new BitSet();
        for (int bit : set) {
            code.set(bit);
        }
        return code;
    }

    @Test
    void aCodeConcatenatesTheLayersSelections() {
        BitSet code = CodeMemory.code(List.of(new float[] {1, 0, 1, 0}, new float[] {0, 1, 1, 0}));
        assertEquals(bits(0, 2, 5, 6), code);
    }

    @Test
    void theTopKRoutersSelectionsGiveTheCode() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            NDArray query = manager.create(new float[] {1, 0}, new Shape(1, 2));
            NDArray first = manager.create(new float[] {3, 0, 1, 0, 2, 0, 0, 0}, new Shape(4, 2)); // experts 0, 2
            NDArray second = manager.create(new float[] {0, 0, 5, 0, 1, 0, 4, 0}, new Shape(4, 2)); // experts 1, 3
            TopKRouter router = new TopKRouter();
            Routing a = router.route(query, first, null, 2);
            Routing b = router.route(query, second, null, 2);
            BitSet code = CodeMemory.code(
                    List.of(a.selected().toFloatArray(), b.selected().toFloatArray()));
            assertEquals(bits(0, 2, 5, 7), code);
        }
    }

    @Test
    void distancesAreHammingDistancesToTheNearestCode() {
        CodeMemory memory = new CodeMemory(8);
        assertEquals(Integer.MAX_VALUE, memory.distance(bits(0, 1, 4, 5)));
        memory.add(bits(0, 1, 4, 5));
        memory.add(bits(2, 3, 6, 7));
        assertEquals(0, memory.distance(bits(0, 1, 4, 5)));
        assertEquals(2, memory.distance(bits(0, 2, 4, 5)));
        assertEquals(4, memory.distance(bits(0, 2, 4, 6)));
        assertEquals(2, memory.distance(bits(2, 3, 6, 5)));
    }

    @Test
    void inputsApplyOnlyStrictlyBelowTheThreshold() {
        CodeMemory memory = new CodeMemory(8);
        assertFalse(memory.applies(bits(0, 1, 4, 5), 4), "no codes yet: everything is deferred");
        memory.add(bits(0, 1, 4, 5));
        assertTrue(memory.applies(bits(0, 1, 4, 5), 4));
        assertTrue(memory.applies(bits(0, 2, 4, 5), 4));
        assertFalse(memory.applies(bits(0, 2, 4, 6), 4), "distance 4 is not below 4");
        assertTrue(memory.applies(bits(0, 2, 4, 6), 5));
        assertFalse(memory.applies(bits(0, 1, 4, 5), 0), "a threshold of 0 defers everything");
    }

    @Test
    void codesLongerThanOneWordKeepEveryBitAndTheirOrder() {
        CodeMemory memory = new CodeMemory(130);
        memory.add(bits(0, 64, 129));
        memory.add(bits(1, 65));
        memory.add(new BitSet());
        assertEquals(List.of(bits(0, 64, 129), bits(1, 65), new BitSet()), memory.codes());
        assertEquals(1, memory.distance(bits(0, 64)), "bit 129 is in the third word");
        assertEquals(2, memory.distance(bits(128, 129)), "nearest: the empty code");
        memory.replaceAll(List.of(bits(3)));
        assertEquals(List.of(bits(3)), memory.codes());
        assertThrows(IllegalArgumentException.class, () -> memory.add(bits(130)));
    }
}
