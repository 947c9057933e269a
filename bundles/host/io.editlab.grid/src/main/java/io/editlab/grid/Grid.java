package io.editlab.grid;

import java.util.List;

/**
 * A planned grid.
 *
 * @param name the grid's name (letters, digits, {@code . _ -}; names scheduler jobs)
 * @param source where it was read from
 * @param out the output folder the file asks for, or null
 * @param cells every cell, in index order
 */
public record Grid(String name, String source, String out, List<Cell> cells) {

    public Grid {
        cells = List.copyOf(cells);
        for (int i = 0; i < cells.size(); i++) {
            if (cells.get(i).index() != i) {
                throw new IllegalArgumentException(
                        "cell " + i + " has index " + cells.get(i).index());
            }
        }
    }
}
