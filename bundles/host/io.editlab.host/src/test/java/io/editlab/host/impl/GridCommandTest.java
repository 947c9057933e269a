package io.editlab.host.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GridCommandTest {

    @Test
    void cellListsAreIndicesAndRanges() {
        assertEquals(List.of(0, 3, 4, 5, 7), List.copyOf(GridCommand.cells("0,3-5, 7", 8)));
        assertEquals(Set.of(2), GridCommand.cells("2,2", 3));
        for (String bad : List.of("8", "3-1", "-1", "a", "1-2-3", "")) {
            assertEquals(
                    "--cells takes indices and ranges below 8, e.g. 0,3-5; not '" + bad + "'",
                    assertThrows(Args.UsageException.class, () -> GridCommand.cells(bad, 8))
                            .getMessage());
        }
    }
}
