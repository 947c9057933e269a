package io.editlab.api.edit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An editor's own state, beyond its session's overlays: adapters, routers, code memories,
 * allocations. Saved with the session (as safetensors: tensors plus string metadata) and used to
 * roll back a failed edit.
 *
 * @param tensors named tensors, owned by the manager the state was copied into
 * @param metadata named strings (configuration, format version, maps encoded as text)
 */
public record EditorState(Map<String, NDArray> tensors, Map<String, String> metadata) {
    public EditorState {
        tensors = tensors == null ? Map.of() : Map.copyOf(tensors);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /**
     * The tensor {@code name} for restoring an editor of {@code method}, checked to have {@code shape}
     * unless that is {@code null}.
     *
     * @throws EditException "METHOD: the state to restore has no tensor 'NAME'", or "... has NAME of
     *     shape S; expected T"
     */
    public NDArray tensor(String method, String name, Shape shape) throws EditException {
        NDArray tensor = tensors.get(name);
        if (tensor == null) {
            throw invalid(method, "has no tensor '" + name + "'");
        }
        if (shape != null && !tensor.getShape().equals(shape)) {
            throw invalid(method, "has " + name + " of shape " + tensor.getShape() + "; expected " + shape);
        }
        return tensor;
    }

    /**
     * Checks that the metadata entry {@code key} is {@code value}, as an editor of {@code method} needs.
     *
     * @throws EditException "METHOD: the state to restore has KEY 'FOUND'; this editor needs 'VALUE'"
     */
    public void expect(String method, String key, String value) throws EditException {
        if (!value.equals(metadata.get(key))) {
            throw invalid(method, "has " + key + " '" + metadata.get(key) + "'; this editor needs '" + value + "'");
        }
    }

    /** "METHOD: the state to restore PROBLEM", the form of every error about a state to restore. */
    public static EditException invalid(String method, String problem) {
        return new EditException(method + ": the state to restore " + problem);
    }

    /**
     * Metadata entries that hold a list of strings (an editor's labels, say) under {@code key}:
     * {@code key.size} and {@code key.0}, {@code key.1}, ... Any string is kept as it is.
     */
    public static Map<String, String> listEntries(String key, List<String> values) {
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put(key + ".size", Integer.toString(values.size()));
        for (int i = 0; i < values.size(); i++) {
            entries.put(key + "." + i, values.get(i));
        }
        return entries;
    }

    /**
     * The list that {@link #listEntries} stored under {@code key}.
     *
     * @throws IllegalArgumentException naming the entry that is missing or malformed
     */
    public static List<String> listFrom(Map<String, String> metadata, String key) {
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
