package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditorState;
import io.editlab.editkit.Copies;
import io.editlab.editkit.StateLists;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@link ExpertBank} as an {@link EditorState}. Tensors: every expert's parts ({@code
 * expert<i>.up}, {@code .upBias} or {@code .gate}, {@code .down}, {@code .downBias}, {@code .key},
 * and {@code .projDown}, {@code .projUp} unless shared; and for the gates {@code .anchors [m, d]}, the
 * instance embeddings of its edit prompts, and {@code .radii [m]}), {@code shared.projDown} and {@code
 * shared.projUp} when shared, {@code thresholds [experts]} (float32; negative infinity = no gate) and
 * {@code anchorExperts [anchors]} (int32). Metadata: {@code format}, the shape-defining settings
 * ({@code module}, {@code width}, {@code expertWidth}, {@code form}, {@code projectionWidth}, {@code
 * projection}), {@code experts}, and the anchors' prompts and subjects as list entries ({@code
 * anchors}, {@code anchorSubjects}; an empty subject means none).
 */
final class StateCodec {

    static final String FORMAT = "1";
    static final String THRESHOLDS = "thresholds";
    static final String ANCHOR_EXPERTS = "anchorExperts";

    private StateCodec() {}

    /** Copies {@code bank} into {@code into}. */
    static EditorState write(ExpertBank bank, NDManager into) {
        LemoeSettings settings = bank.settings();
        List<Expert> experts = bank.experts();
        Map<String, NDArray> tensors = new HashMap<>();
        float[] thresholds = new float[experts.size()];
        for (int i = 0; i < experts.size(); i++) {
            for (Map.Entry<String, NDArray> part : experts.get(i).parts().entrySet()) {
                tensors.put("expert" + i + "." + part.getKey(), Copies.detached(into, part.getValue()));
            }
            thresholds[i] = experts.get(i).threshold();
            float[] radii = experts.get(i).radii();
            tensors.put(
                    "expert" + i + ".anchors",
                    Copies.detached(into, experts.get(i).anchors()));
            tensors.put("expert" + i + ".radii", into.create(radii, new Shape(radii.length)));
        }
        if (bank.shared() != null) {
            tensors.put("shared.projDown", Copies.detached(into, bank.shared().down()));
            tensors.put("shared.projUp", Copies.detached(into, bank.shared().up()));
        }
        tensors.put(THRESHOLDS, into.create(thresholds, new Shape(experts.size())));
        List<Anchor> anchors = bank.anchors();
        tensors.put(
                ANCHOR_EXPERTS,
                into.create(anchors.stream().mapToInt(Anchor::expert).toArray(), new Shape(anchors.size())));
        Map<String, String> metadata = new LinkedHashMap<>(shape(settings));
        metadata.put("format", FORMAT);
        metadata.put("experts", Integer.toString(experts.size()));
        metadata.putAll(StateLists.entries(
                "anchors", anchors.stream().map(Anchor::prompt).toList()));
        metadata.putAll(StateLists.entries(
                "anchorSubjects",
                anchors.stream()
                        .map(a -> a.subject() == null ? "" : a.subject())
                        .toList()));
        return new EditorState(tensors, metadata);
    }

    /**
     * Replaces {@code bank}'s experts, shared projection and anchors with {@code state}'s. Everything
     * is checked before anything changes.
     *
     * @throws EditException when {@code state} was not made by a LEMoE editor of the same shape
     */
    static void read(EditorState state, ExpertBank bank) throws EditException {
        LemoeSettings settings = bank.settings();
        Map<String, String> metadata = state.metadata();
        state.expect(LemoeSettings.METHOD, "format", FORMAT);
        for (Map.Entry<String, String> entry : shape(settings).entrySet()) {
            state.expect(LemoeSettings.METHOD, entry.getKey(), entry.getValue());
        }
        int count;
        try {
            count = Integer.parseInt(String.valueOf(metadata.get("experts")));
        } catch (NumberFormatException e) {
            throw invalid("has experts '" + metadata.get("experts") + "'; expected a whole number");
        }
        if (count < 0) {
            throw invalid("has experts " + count);
        }
        List<String> prompts;
        List<String> subjects;
        try {
            prompts = StateLists.read(metadata, "anchors");
            subjects = StateLists.read(metadata, "anchorSubjects");
        } catch (IllegalArgumentException e) {
            throw invalid("has unreadable anchors: " + e.getMessage());
        }
        if (subjects.size() != prompts.size()) {
            throw invalid("has " + prompts.size() + " anchors but " + subjects.size() + " anchor subjects");
        }
        float[] thresholds = state.tensor(LemoeSettings.METHOD, THRESHOLDS, new Shape(count))
                .toType(DataType.FLOAT32, false)
                .toFloatArray();
        int[] owners = state.tensor(LemoeSettings.METHOD, ANCHOR_EXPERTS, new Shape(prompts.size()))
                .toType(DataType.INT32, false)
                .toIntArray();
        List<Anchor> anchors = new ArrayList<>();
        for (int a = 0; a < prompts.size(); a++) {
            if (owners[a] < 0 || owners[a] >= count) {
                throw invalid("has anchor " + a + " owned by expert " + owners[a] + " of " + count);
            }
            anchors.add(new Anchor(prompts.get(a), subjects.get(a).isEmpty() ? null : subjects.get(a), owners[a]));
        }
        Map<String, Shape> shapes = Expert.shapes(settings);
        List<Map<String, NDArray>> saved = new ArrayList<>();
        List<NDArray> gateAnchors = new ArrayList<>();
        List<float[]> gateRadii = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Map<String, NDArray> parts = new LinkedHashMap<>();
            for (Map.Entry<String, Shape> part : shapes.entrySet()) {
                parts.put(
                        part.getKey(),
                        state.tensor(LemoeSettings.METHOD, "expert" + i + "." + part.getKey(), part.getValue()));
            }
            saved.add(parts);
            NDArray radii = state.tensor(LemoeSettings.METHOD, "expert" + i + ".radii", null);
            if (radii.getShape().dimension() != 1) {
                throw invalid("has expert" + i + ".radii of shape " + radii.getShape() + "; expected [m]");
            }
            float[] values = radii.toType(DataType.FLOAT32, false).toFloatArray();
            for (float r : values) {
                if (!(r >= 0)) {
                    throw invalid("has a radius of " + r + " in expert" + i + ".radii");
                }
            }
            gateRadii.add(values);
            gateAnchors.add(state.tensor(
                    LemoeSettings.METHOD, "expert" + i + ".anchors", new Shape(values.length, settings.width())));
        }
        List<NDArray> shared = new ArrayList<>();
        if (bank.shared() != null) {
            shared.add(state.tensor(
                    LemoeSettings.METHOD,
                    "shared.projDown",
                    bank.shared().down().getShape()));
            shared.add(state.tensor(
                    LemoeSettings.METHOD, "shared.projUp", bank.shared().up().getShape()));
        }
        List<Expert> experts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            experts.add(Expert.restored(
                    bank.manager(), settings, saved.get(i), thresholds[i], gateAnchors.get(i), gateRadii.get(i)));
        }
        bank.setShared(shared);
        bank.replaceAll(experts, anchors);
    }

    /** The settings that decide the shapes a state must have. */
    private static Map<String, String> shape(LemoeSettings settings) {
        Map<String, String> shape = new LinkedHashMap<>();
        shape.put("module", settings.module());
        shape.put("width", Integer.toString(settings.width()));
        shape.put("expertWidth", Integer.toString(settings.expertWidth()));
        shape.put("form", settings.form().id);
        shape.put("projectionWidth", Integer.toString(settings.projectionWidth()));
        shape.put("projection", settings.sharedProjection() ? "shared-trainable" : "per-expert");
        return shape;
    }

    private static EditException invalid(String problem) {
        return EditorState.invalid(LemoeSettings.METHOD, problem);
    }
}
