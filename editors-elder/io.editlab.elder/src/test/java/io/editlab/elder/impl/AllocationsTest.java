package io.editlab.elder.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.api.edit.EditException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Preset allocations per label (README, 'What it does': apply). */
class AllocationsTest {

    @Test
    void aLabelKeepsItsAllocationAndLabelsGetDistinctOnes() throws EditException {
        Allocations allocations = new Allocations(2, 4, 2, 7);
        int[][] lima = allocations.of("Lima");
        assertArrayEquals(lima, allocations.of("Lima"));
        Set<String> seen = new HashSet<>(Set.of(Arrays.deepToString(lima)));
        for (int i = 1; i < 36; i++) { // C(4,2)^2 = 36: every allocation once
            int[][] allocation = allocations.of("label" + i);
            for (int[] row : allocation) {
                assertEquals(2, row.length);
                assertTrue(row[0] < row[1] && row[0] >= 0 && row[1] < 4, Arrays.toString(row));
            }
            assertTrue(seen.add(Arrays.deepToString(allocation)), "repeated " + Arrays.deepToString(allocation));
        }
        assertThrows(EditException.class, () -> allocations.of("one too many"));
    }

    @Test
    void theSameSeedAndOrderGiveTheSameAllocations() throws EditException {
        Allocations first = new Allocations(3, 4, 2, 7);
        Allocations second = new Allocations(3, 4, 2, 7);
        for (String label : List.of("a", "b", "c")) {
            assertArrayEquals(first.of(label), second.of(label));
        }
    }

    @Test
    void theMaskIsKHotPerLayer() throws EditException {
        Allocations allocations = new Allocations(2, 4, 2, 7);
        float[] mask = allocations.mask(new int[][] {{0, 3}, {1, 2}});
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1, 1, 0}, mask);
    }
}
