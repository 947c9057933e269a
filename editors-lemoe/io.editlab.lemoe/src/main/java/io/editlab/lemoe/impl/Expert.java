package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.editlab.lemoe.impl.LemoeSettings.ExpertForm;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One LEMoE expert (README, 'What it does'): an FFN-shaped module in the host's form, its anchor key and,
 * unless the projection is shared, its own value projection. Its arrays live in a manager of its
 * own, so that dropping an expert (a failed batch) frees exactly its arrays. Trainable only while
 * its batch is edited; frozen ever after.
 */
final class Expert implements AutoCloseable {

    /** The tensor names of an expert's parameters, in {@link #parameters()} order when present. */
    static final List<String> PARTS = List.of("up", "upBias", "gate", "down", "downBias", "key", "projDown", "projUp");

    private final NDManager manager;
    private final ExpertForm form;
    private final Map<String, NDArray> parts;
    private final Projection projection;
    private volatile float threshold = Float.NEGATIVE_INFINITY;
    private volatile NDArray anchors;
    private volatile float[] radii = new float[0];

    private Expert(NDManager manager, ExpertForm form, Map<String, NDArray> parts) {
        this.manager = manager;
        this.form = form;
        this.parts = parts;
        this.projection =
                parts.containsKey("projDown") ? new Projection(parts.get("projDown"), parts.get("projUp")) : null;
    }

    /**
     * A new expert that starts as a no-op: its up (and gate) projection normal with standard
     * deviation 0.02 (GPT-2's initialisation), its down projection and biases zero, its key normal
     * with standard deviation {@code keyInit}, and its own value projection unless it is shared.
     */
    static Expert initial(NDManager parent, LemoeSettings settings, Random random) {
        NDManager manager = parent.newSubManager();
        int d = settings.width();
        int w = settings.expertWidth();
        Map<String, NDArray> parts = new LinkedHashMap<>();
        parts.put("up", Ops.normal(manager, new Shape(d, w), 0.02, random));
        if (settings.form() == ExpertForm.GELU) {
            parts.put("upBias", manager.zeros(new Shape(w)));
        } else {
            parts.put("gate", Ops.normal(manager, new Shape(d, w), 0.02, random));
        }
        parts.put("down", manager.zeros(new Shape(w, d)));
        if (settings.form() == ExpertForm.GELU) {
            parts.put("downBias", manager.zeros(new Shape(d)));
        }
        parts.put("key", Ops.normal(manager, new Shape(d), settings.keyInit(), random));
        if (!settings.sharedProjection()) {
            Projection own = Projection.initial(manager, d, settings.projectionWidth(), random);
            parts.put("projDown", own.down());
            parts.put("projUp", own.up());
        }
        return new Expert(manager, settings.form(), parts);
    }

    /**
     * An expert with copies of saved parameters.
     *
     * @param saved each of {@link #shapes} by part name
     * @param threshold the saved threshold
     */
    static Expert restored(
            NDManager parent,
            LemoeSettings settings,
            Map<String, NDArray> saved,
            float threshold,
            NDArray anchors,
            float[] radii) {
        NDManager manager = parent.newSubManager();
        Map<String, NDArray> parts = new LinkedHashMap<>();
        for (String part : shapes(settings).keySet()) {
            NDArray copy = saved.get(part).toType(ai.djl.ndarray.types.DataType.FLOAT32, true);
            copy.attach(manager);
            parts.put(part, copy);
        }
        Expert expert = new Expert(manager, settings.form(), parts);
        expert.setGate(threshold, anchors.toType(ai.djl.ndarray.types.DataType.FLOAT32, true), radii);
        return expert;
    }

    /** The parts an expert of {@code settings} has, with their shapes, in parameter order. */
    static Map<String, Shape> shapes(LemoeSettings settings) {
        int d = settings.width();
        int w = settings.expertWidth();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put("up", new Shape(d, w));
        if (settings.form() == ExpertForm.GELU) {
            shapes.put("upBias", new Shape(w));
        } else {
            shapes.put("gate", new Shape(d, w));
        }
        shapes.put("down", new Shape(w, d));
        if (settings.form() == ExpertForm.GELU) {
            shapes.put("downBias", new Shape(d));
        }
        shapes.put("key", new Shape(d));
        if (!settings.sharedProjection()) {
            shapes.put("projDown", new Shape(d, settings.projectionWidth()));
            shapes.put("projUp", new Shape(settings.projectionWidth(), d));
        }
        return shapes;
    }

    /** The expert's output {@code [n, T, d]} for hidden states {@code x [n, T, d]}, in {@code x}'s manager. */
    NDArray apply(NDArray x) {
        if (form == ExpertForm.GELU) {
            return Ops.gelu(x.matMul(parts.get("up")).add(parts.get("upBias")))
                    .matMul(parts.get("down"))
                    .add(parts.get("downBias"));
        }
        return Ops.silu(x.matMul(parts.get("gate")))
                .mul(x.matMul(parts.get("up")))
                .matMul(parts.get("down"));
    }

    /** The anchor key {@code [d]}. */
    NDArray key() {
        return parts.get("key");
    }

    /** The expert's own projection, or {@code null} when the projection is shared. */
    Projection projection() {
        return projection;
    }

    /** The score threshold; negative infinity while the expert is trained or without the score gate. */
    float threshold() {
        return threshold;
    }

    /**
     * Sets what the gates test once the expert is trained: the score threshold, and the instance
     * embeddings {@code [m, d]} of its edit prompts (moved into the expert's manager) with their radii.
     */
    void setGate(float threshold, NDArray anchors, float[] radii) {
        if (anchors.getShape().get(0) != radii.length) {
            throw new IllegalArgumentException(anchors.getShape() + " anchors but " + radii.length + " radii");
        }
        anchors.attach(manager);
        this.threshold = threshold;
        this.anchors = anchors;
        this.radii = radii.clone();
    }

    /** The instance embeddings {@code [m, d]} of the expert's edit prompts, or {@code null} while it is trained. */
    NDArray anchors() {
        return anchors;
    }

    /** The anchor gate's radius around each of {@link #anchors()}. */
    float[] radii() {
        return radii.clone();
    }

    /** Every parameter, in {@link #PARTS} order. */
    List<NDArray> parameters() {
        return new ArrayList<>(parts.values());
    }

    /** The parameters by part name, in {@link #PARTS} order. */
    Map<String, NDArray> parts() {
        return parts;
    }

    /** How many scalars the expert holds. */
    long size() {
        return parts.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    @Override
    public void close() {
        manager.close();
    }
}
