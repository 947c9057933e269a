package io.editlab.elder.impl;

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
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link ElderState} as an {@link EditorState}. Tensors: every parameter ({@code layer<i>.a},
 * {@code .b}, {@code .router}, {@code .bias}), {@code codes [M, L*N]} (0/1) and {@code allocations
 * [labels, L, k]} (int32). Metadata: {@code format}, {@code labels} (a JSON array, in allocation
 * order), and the {@code modules}, {@code experts}, {@code rank}, {@code topK} it was made with.
 */
final class StateCodec {

    static final String FORMAT = "2"; // 2: labels as list entries (StateLists.entries)
    static final String CODES = "codes";
    static final String ALLOCATIONS = "allocations";

    private StateCodec() {}

    /** Copies {@code state} into {@code into}. */
    static EditorState write(ElderState state, NDManager into) {
        ElderSettings settings = state.settings();
        Map<String, NDArray> tensors = new HashMap<>();
        List<String> names = state.parameterNames();
        List<NDArray> copies = state.copyParameters(into);
        for (int i = 0; i < copies.size(); i++) {
            tensors.put(names.get(i), copies.get(i));
        }
        List<BitSet> codes = state.memory().codes();
        int bits = state.memory().bits();
        float[] flat = new float[codes.size() * bits];
        for (int c = 0; c < codes.size(); c++) {
            for (int bit = codes.get(c).nextSetBit(0);
                    bit >= 0;
                    bit = codes.get(c).nextSetBit(bit + 1)) {
                flat[c * bits + bit] = 1;
            }
        }
        tensors.put(CODES, into.create(flat, new Shape(codes.size(), bits)));
        List<int[][]> allocations = state.allocations().allocations();
        int[] indices = allocations.stream()
                .flatMap(Arrays::stream)
                .flatMapToInt(Arrays::stream)
                .toArray();
        tensors.put(
                ALLOCATIONS, into.create(indices, new Shape(allocations.size(), settings.layers(), settings.topK())));
        Map<String, String> metadata = new java.util.LinkedHashMap<>(Map.of(
                "format",
                FORMAT,
                "modules",
                String.join(",", settings.mixtureModules()),
                "experts",
                Integer.toString(settings.experts()),
                "rank",
                Integer.toString(settings.rank()),
                "topK",
                Integer.toString(settings.topK())));
        metadata.putAll(StateLists.entries("labels", state.allocations().labels()));
        return new EditorState(tensors, metadata);
    }

    /**
     * Replaces {@code target}'s contents with {@code state}'s. Everything is checked before anything
     * changes.
     *
     * @throws EditException when {@code state} was not made by an ELDER editor of the same shape
     */
    static void read(EditorState state, ElderState target) throws EditException {
        ElderSettings settings = target.settings();
        Map<String, String> metadata = state.metadata();
        state.expect(ElderSettings.METHOD, "format", FORMAT);
        state.expect(ElderSettings.METHOD, "modules", String.join(",", settings.mixtureModules()));
        state.expect(ElderSettings.METHOD, "experts", Integer.toString(settings.experts()));
        state.expect(ElderSettings.METHOD, "rank", Integer.toString(settings.rank()));
        state.expect(ElderSettings.METHOD, "topK", Integer.toString(settings.topK()));
        List<NDArray> parameters = target.parameters();
        List<String> names = target.parameterNames();
        List<NDArray> sources = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            sources.add(state.tensor(
                    ElderSettings.METHOD, names.get(i), parameters.get(i).getShape()));
        }
        List<String> labels;
        try {
            labels = StateLists.read(metadata, "labels");
        } catch (IllegalArgumentException e) {
            throw invalid("has unreadable labels: " + e.getMessage());
        }
        int bits = target.memory().bits();
        NDArray codeTensor = state.tensor(ElderSettings.METHOD, CODES, null);
        long count =
                codeTensor.getShape().dimension() == 2 && codeTensor.getShape().get(1) == bits
                        ? codeTensor.getShape().get(0)
                        : -1;
        if (count < 0) {
            throw invalid("has codes of shape " + codeTensor.getShape() + "; expected [M, " + bits + "]");
        }
        List<BitSet> codes = new ArrayList<>();
        float[] flat = codeTensor.toType(DataType.FLOAT32, false).toFloatArray();
        for (int c = 0; c < count; c++) {
            BitSet code = new BitSet();
            for (int bit = 0; bit < bits; bit++) {
                if (flat[c * bits + bit] != 0) {
                    code.set(bit);
                }
            }
            codes.add(code);
        }
        int[] indices = state.tensor(
                        ElderSettings.METHOD, ALLOCATIONS, new Shape(labels.size(), settings.layers(), settings.topK()))
                .toType(DataType.INT32, false)
                .toIntArray();
        List<int[][]> allocations = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < labels.size(); i++) {
            int[][] allocation = new int[settings.layers()][settings.topK()];
            for (int[] row : allocation) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = indices[at++];
                }
            }
            allocations.add(allocation);
        }
        try {
            target.allocations().replaceAll(labels, allocations);
        } catch (IllegalArgumentException e) {
            throw invalid("has invalid allocations: " + e.getMessage());
        }
        target.memory().replaceAll(codes);
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).set(new NDIndex("..."), sources.get(i));
        }
    }

    private static EditException invalid(String problem) {
        return EditorState.invalid(ElderSettings.METHOD, problem);
    }
}
