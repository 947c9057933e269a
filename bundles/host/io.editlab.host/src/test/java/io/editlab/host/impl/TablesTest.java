package io.editlab.host.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TablesTest {

    @Test
    void alignsColumnsToTheWidestCell() {
        String table = Tables.format(
                new String[] {"NAME", "VERSION"},
                List.of(new String[] {"elder", "1.0.0"}, new String[] {"io.editlab.x", "2"}),
                "none");
        assertEquals("NAME          VERSION\nelder         1.0.0\nio.editlab.x  2", table);
    }

    @Test
    void saysSoWhenThereIsNothingToList() {
        assertEquals("none", Tables.format(new String[] {"A"}, List.of(), "none"));
    }
}
