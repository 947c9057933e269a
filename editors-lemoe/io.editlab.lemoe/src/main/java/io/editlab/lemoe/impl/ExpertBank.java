package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Everything one LEMoE editor learns, owned by an editor-owned manager: the experts in insertion
 * order (each with its key, projection and threshold), the shared projection when there is one, and
 * the anchors (edit prompts with their experts). Readers (the adapter) see consistent snapshots
 * ({@link View}): they are replaced, never changed in place.
 */
final class ExpertBank implements AutoCloseable {

    /**
     * The mixture as one pass sees it.
     *
     * @param experts every expert, in insertion order
     * @param stack the frozen experts' routing arrays stacked (all but the trainee), or {@code null}
     * @param trainee the expert being trained (the last one), or {@code null}
     */
    record View(List<Expert> experts, Stack stack, Expert trainee) {}

    private final NDManager manager;
    private final LemoeSettings settings;
    private final Projection shared;
    private volatile View view = new View(List.of(), null, null);
    private volatile List<Anchor> anchors = List.of();

    ExpertBank(NDManager parent, LemoeSettings settings) {
        this.manager = parent.newSubManager();
        this.settings = settings;
        this.shared = settings.sharedProjection()
                ? Projection.initial(manager, settings.width(), settings.projectionWidth(), new Random(settings.seed()))
                : null;
    }

    LemoeSettings settings() {
        return settings;
    }

    NDManager manager() {
        return manager;
    }

    View view() {
        return view;
    }

    List<Expert> experts() {
        return view.experts();
    }

    List<Anchor> anchors() {
        return anchors;
    }

    /** The shared projection, or {@code null} when every expert has its own. */
    Projection shared() {
        return shared;
    }

    /** The value projection of {@code expert}: its own or the shared one. */
    Projection projectionOf(Expert expert) {
        return shared != null ? shared : expert.projection();
    }

    /** A new, trainable expert, seeded by the bank's seed and its index; not yet part of the mixture. */
    Expert newExpert() {
        return Expert.initial(
                manager,
                settings,
                new Random(settings.seed() * 1_000_003L + experts().size() + 1));
    }

    /**
     * Appends an expert to the mixture as the trainee: it is routed to from now on, and computed on
     * its own (its parameters change) until {@link #freeze}.
     */
    synchronized void addTrainee(Expert expert) {
        List<Expert> next = new ArrayList<>(view.experts());
        next.add(expert);
        view = new View(List.copyOf(next), view.stack(), expert);
    }

    /** Ends the trainee's training: with its threshold set, it joins the stack of frozen experts. */
    synchronized void freeze() {
        restack(view.experts());
    }

    synchronized void setAnchors(List<Anchor> anchors) {
        this.anchors = List.copyOf(anchors);
    }

    /** Replaces every expert and anchor (restore); the old experts are freed. */
    synchronized void replaceAll(List<Expert> experts, List<Anchor> anchors) {
        List<Expert> old = view.experts();
        restack(experts);
        this.anchors = List.copyOf(anchors);
        old.forEach(Expert::close);
    }

    /** A view of {@code frozen} experts, all stacked, without a trainee. */
    private void restack(List<Expert> frozen) {
        Stack old = view.stack();
        view = new View(List.copyOf(frozen), frozen.isEmpty() ? null : Stack.of(manager, frozen, shared == null), null);
        if (old != null) {
            old.close();
        }
    }

    /** Overwrites the shared projection with {@code values} (a restored state). */
    void setShared(List<NDArray> values) {
        if (shared != null) {
            for (int i = 0; i < values.size(); i++) {
                shared.parameters().get(i).set(new NDIndex("..."), values.get(i));
            }
        }
    }

    @Override
    public void close() {
        manager.close();
    }

    /**
     * The routing arrays of frozen experts stacked, so that a pass routes over them with a few
     * batched operations instead of a few per expert. A copy in a manager of its own: it never
     * changes, and it is rebuilt when the frozen experts change.
     *
     * @param count how many experts it holds (the first {@code count} of the mixture)
     * @param keys {@code [count, d]}
     * @param projDown {@code [count, d, d_p]}, or {@code null} when the projection is shared
     * @param projUp {@code [count, d_p, d]}, or {@code null}
     * @param thresholds the experts' score thresholds
     * @param anchorsT {@code [d, A]}: every expert's edit-prompt embeddings, expert after expert,
     *     transposed; {@code null} when no expert has any
     * @param anchorNorms {@code [A]}: their squared lengths
     * @param owners for each anchor, the index of its expert
     * @param radii for each anchor, its radius
     * @param blocks block-diagonal masks by number of experts (see {@link #block})
     */
    record Stack(
            NDManager manager,
            int count,
            NDArray keys,
            NDArray projDown,
            NDArray projUp,
            float[] thresholds,
            NDArray anchorsT,
            NDArray anchorNorms,
            int[] owners,
            float[] radii,
            Map<Integer, NDArray> blocks)
            implements AutoCloseable {

        /**
         * The mask {@code [t, t * d]} with ones in block {@code i} of row {@code i}: keys tiled {@code t}
         * times and multiplied by it are block-diagonal. Made once per {@code t} (the stack's experts,
         * or one more while an expert is trained) and kept with the stack.
         */
        NDArray block(int t, int d) {
            return blocks.computeIfAbsent(t, n -> mask(manager, n, d));
        }

        static NDArray mask(NDManager manager, int t, int d) {
            float[] block = new float[t * t * d];
            for (int i = 0; i < t; i++) {
                java.util.Arrays.fill(block, i * t * d + i * d, i * t * d + (i + 1) * d, 1f);
            }
            return manager.create(block, new ai.djl.ndarray.types.Shape(t, (long) t * d));
        }

        static Stack of(NDManager parent, List<Expert> frozen, boolean ownProjections) {
            NDManager manager = parent.newSubManager();
            NDArray keys = stacked(manager, frozen.stream().map(Expert::key).toList());
            NDArray down = ownProjections
                    ? stacked(
                            manager,
                            frozen.stream().map(e -> e.projection().down()).toList())
                    : null;
            NDArray up = ownProjections
                    ? stacked(
                            manager,
                            frozen.stream().map(e -> e.projection().up()).toList())
                    : null;
            float[] thresholds = new float[frozen.size()];
            List<Integer> owners = new ArrayList<>();
            List<Float> radii = new ArrayList<>();
            NDList anchors = new NDList();
            for (int i = 0; i < thresholds.length; i++) {
                Expert expert = frozen.get(i);
                thresholds[i] = expert.threshold();
                if (expert.anchors() != null) {
                    anchors.add(manager.zeros(expert.anchors().getShape()).addi(expert.anchors()));
                    for (float r : expert.radii()) {
                        owners.add(i);
                        radii.add(r);
                    }
                }
            }
            NDArray anchorsT = null;
            NDArray norms = null;
            if (!anchors.isEmpty()) {
                NDArray rows = NDArrays.concat(anchors, 0);
                anchorsT = rows.transpose();
                norms = rows.square().sum(new int[] {1});
            }
            float[] radiusArray = new float[radii.size()];
            for (int i = 0; i < radiusArray.length; i++) {
                radiusArray[i] = radii.get(i);
            }
            return new Stack(
                    manager,
                    frozen.size(),
                    keys,
                    down,
                    up,
                    thresholds,
                    anchorsT,
                    norms,
                    owners.stream().mapToInt(Integer::intValue).toArray(),
                    radiusArray,
                    new java.util.concurrent.ConcurrentHashMap<>());
        }

        /** The arrays stacked along a new first axis, in {@code manager}. */
        private static NDArray stacked(NDManager manager, List<NDArray> arrays) {
            try (NDList copies = new NDList(arrays.size())) {
                for (NDArray array : arrays) {
                    copies.add(
                            manager.zeros(array.getShape(), array.getDataType()).addi(array));
                }
                return NDArrays.stack(copies);
            }
        }

        @Override
        public void close() {
            manager.close();
        }
    }
}
