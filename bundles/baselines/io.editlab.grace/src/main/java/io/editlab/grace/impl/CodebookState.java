package io.editlab.grace.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditorState;
import io.editlab.editkit.StateLists;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A codebook as an {@link EditorState}: tensors {@code keys [n, in]}, {@code values [n, out]} and
 * {@code radii [n]}; metadata {@code format}, {@code labels} (a JSON array of the n labels), and the
 * {@code layer} and {@code module} it was made for.
 */
final class CodebookState {

    static final String FORMAT = "2"; // 2: labels as list entries (StateLists.entries)
    static final String KEYS = "keys";
    static final String VALUES = "values";
    static final String RADII = "radii";
    static final String FORMAT_KEY = "format";
    static final String LABELS = "labels";
    static final String LAYER = "layer";
    static final String MODULE = "module";

    private CodebookState() {}

    /** Copies {@code entries} into {@code into}. */
    static EditorState write(List<CodebookEntry> entries, NDManager into, GraceSettings settings) {
        int n = entries.size();
        int in = settings.keyWidth();
        float[] keys = new float[n * in];
        float[] radii = new float[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(entries.get(i).key(), 0, keys, i * in, in);
            radii[i] = entries.get(i).radius();
        }
        DataType type = n == 0 ? DataType.FLOAT32 : entries.get(0).value().getDataType();
        NDArray values = into.zeros(new Shape(n, settings.valueWidth()), type);
        for (int i = 0; i < n; i++) {
            values.set(new NDIndex(i), entries.get(i).value());
        }
        Map<String, NDArray> tensors = Map.of(
                KEYS, into.create(keys, new Shape(n, in)), VALUES, values, RADII, into.create(radii, new Shape(n)));
        Map<String, String> metadata = new java.util.LinkedHashMap<>(
                Map.of(FORMAT_KEY, FORMAT, LAYER, Integer.toString(settings.layer()), MODULE, settings.module()));
        metadata.putAll(StateLists.entries(
                LABELS, entries.stream().map(CodebookEntry::label).toList()));
        return new EditorState(tensors, metadata);
    }

    /**
     * The entries of {@code state}, their values copied into {@code manager}. Everything is checked
     * before anything is allocated.
     *
     * @throws EditException when the state is not a GRACE codebook for this editor's module and widths
     */
    static List<CodebookEntry> read(EditorState state, NDManager manager, GraceSettings settings) throws EditException {
        Map<String, String> metadata = state.metadata();
        if (!FORMAT.equals(metadata.get(FORMAT_KEY))) {
            throw invalid("has format '" + metadata.get(FORMAT_KEY) + "'; this editor reads format " + FORMAT);
        }
        if (!settings.module().equals(metadata.get(MODULE))) {
            throw invalid(
                    "was made at module '" + metadata.get(MODULE) + "'; this editor wraps '" + settings.module() + "'");
        }
        List<String> labels;
        try {
            labels = StateLists.read(metadata, LABELS);
        } catch (IllegalArgumentException e) {
            throw invalid("has unreadable labels: " + e.getMessage());
        }
        int n = labels.size();
        NDArray keys = state.tensor(GraceSettings.METHOD, KEYS, new Shape(n, settings.keyWidth()));
        NDArray values = state.tensor(GraceSettings.METHOD, VALUES, new Shape(n, settings.valueWidth()));
        float[] radii = floats(state.tensor(GraceSettings.METHOD, RADII, new Shape(n)));
        for (float radius : radii) {
            if (!(radius >= 0) || Float.isInfinite(radius)) {
                throw invalid("has a radius of " + radius);
            }
        }
        float[] flatKeys = floats(keys);
        List<CodebookEntry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] key = Arrays.copyOfRange(flatKeys, i * settings.keyWidth(), (i + 1) * settings.keyWidth());
            NDArray value;
            try (NDArray row = values.get(manager, new NDIndex(i))) {
                value = row.duplicate(); // a view would share the state's storage, which training changes
            }
            entries.add(new CodebookEntry(key, value, radii[i], labels.get(i)));
        }
        return entries;
    }

    private static float[] floats(NDArray array) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array.toFloatArray();
        }
        try (NDArray converted = array.toType(DataType.FLOAT32, true)) {
            return converted.toFloatArray();
        }
    }

    private static EditException invalid(String problem) {
        return EditorState.invalid(GraceSettings.METHOD, problem);
    }
}
