package io.editlab.grid.impl;

import java.util.ArrayList;
import java.util.List;

/** Cell indices as a scheduler's index list: {@code 0-3,5,7-8}. */
final class Ranges {

    private Ranges() {}

    /** {@code indices} (ascending) as runs of consecutive numbers. */
    static String of(List<Integer> indices) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (i < indices.size()) {
            int j = i;
            while (j + 1 < indices.size() && indices.get(j + 1) == indices.get(j) + 1) {
                j++;
            }
            parts.add(i == j ? indices.get(i).toString() : indices.get(i) + "-" + indices.get(j));
            i = j + 1;
        }
        return String.join(",", parts);
    }
}
