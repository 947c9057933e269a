package io.editlab.editkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lists of strings in an editor state's metadata (which holds single strings). */
public final class StateLists {

    private StateLists() {}

    /**
     * Metadata entries that hold a list of strings (an editor's labels, say) under {@code key}:
     * {@code key.size} and {@code key.0}, {@code key.1}, ... Any string is kept as it is.
     */
    public static Map<String, String> entries(String key, List<String> values) {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(key + ".size", Integer.toString(values.size()));
        for (int i = 0; i < values.size(); i++) {
            entries.put(key + "." + i, values.get(i));
        }
        return entries;
    }

    /**
     * The list that {@link #entries} stored under {@code key}.
     *
     * @throws IllegalArgumentException naming the entry that is missing or malformed
     */
    public static List<String> read(Map<String, String> metadata, String key) {
        String size = metadata.get(key + ".size");
        int n;
        try {
            n = Integer.parseInt(String.valueOf(size));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + ".size' must be a whole number, not " + size);
        }
        if (n < 0) {
            throw new IllegalArgumentException("'" + key + ".size' must not be negative, not " + n);
        }
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String value = metadata.get(key + "." + i);
            if (value == null) {
                throw new IllegalArgumentException("'" + key + "." + i + "' is missing");
            }
            values.add(value);
        }
        return values;
    }
}
