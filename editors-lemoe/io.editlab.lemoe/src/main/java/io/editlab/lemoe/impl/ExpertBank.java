package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Collections;
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
     * @param anchorsT per expert, its edit-prompt embeddings transposed {@code [d, a_i]}, or {@code
     *     null} when it has none
     * @param anchorNorms per expert, their squared lengths {@code [a_i]} (or {@code null})
     * @param radiiSquared per expert, the squares of its anchors' radii {@code [a_i]} (or {@code null})
     * @param identities identity matrices by number of experts (see {@link #identity})
     */
    record Stack(
            NDManager manager,
            int count,
            NDArray keys,
            NDArray projDown,
            NDArray projUp,
            float[] thresholds,
            List<NDArray> anchorsT,
            List<NDArray> anchorNorms,
            List<NDArray> radiiSquared,
            Map<Integer, NDArray> identities)
            implements AutoCloseable {

        /**
         * The identity {@code [t, t]}, the router's keys when its query is the experts' scores (each
         * expert with its own projection): made once per {@code t} (the stack's experts, or one more
         * while an expert is trained) and kept with the stack.
         */
        NDArray identity(int t) {
            return identities.computeIfAbsent(t, manager::eye);
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
            List<NDArray> anchorsT = new ArrayList<>();
            List<NDArray> norms = new ArrayList<>();
            List<NDArray> radiiSquared = new ArrayList<>();
            for (int i = 0; i < thresholds.length; i++) {
                Expert expert = frozen.get(i);
                thresholds[i] = expert.threshold();
                NDArray rows = expert.anchors() == null
                        ? null
                        : manager.zeros(expert.anchors().getShape()).addi(expert.anchors());
                anchorsT.add(rows == null ? null : rows.transpose());
                norms.add(rows == null ? null : rows.square().sum(new int[] {1}));
                float[] squares = null;
                if (rows != null) {
                    squares = expert.radii().clone();
                    for (int j = 0; j < squares.length; j++) {
                        squares[j] *= squares[j];
                    }
                }
                radiiSquared.add(squares == null ? null : manager.create(squares));
            }
            return new Stack(
                    manager,
                    frozen.size(),
                    keys,
                    down,
                    up,
                    thresholds,
                    Collections.unmodifiableList(anchorsT),
                    Collections.unmodifiableList(norms),
                    Collections.unmodifiableList(radiiSquared),
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
