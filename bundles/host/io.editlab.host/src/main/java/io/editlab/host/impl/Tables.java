package io.editlab.host.impl;

import java.util.List;

/** Plain-text tables for the shell. */
final class Tables {

    private Tables() {}

    /** Left-aligned columns separated by two spaces; {@code empty} when there are no rows. */
    static String format(String[] header, List<String[]> rows, String empty) {
        if (rows.isEmpty()) {
            return empty;
        }
        int[] widths = new int[header.length];
        for (int c = 0; c < header.length; c++) {
            widths[c] = header[c].length();
            for (String[] row : rows) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        StringBuilder text = new StringBuilder();
        line(text, header, widths);
        for (String[] row : rows) {
            text.append('\n');
            line(text, row, widths);
        }
        return text.toString();
    }

    private static void line(StringBuilder text, String[] cells, int[] widths) {
        int start = text.length();
        for (int c = 0; c < cells.length; c++) {
            text.append(cells[c]);
            if (c < cells.length - 1) {
                text.append(" ".repeat(widths[c] - cells[c].length() + 2));
            }
        }
        while (text.length() > start && text.charAt(text.length() - 1) == ' ') {
            text.setLength(text.length() - 1);
        }
    }
}
