package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.route.Router;
import io.editlab.api.route.Routing;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * LEMoE's routing (README, 'What it does'), the same code for training passes, inference passes and the
 * editor's own bookkeeping, so that an input is routed identically wherever it is routed:
 * the instance embedding {@code e(x)} (mean input embedding of the prompt tokens), each expert's
 * value {@code v_i(x)}, the scores {@code s_i = k_i . v_i(x)}, the router's softmax and top-k, and
 * the gate (a selected expert applies always, or when {@code s_i} reaches its threshold, or when
 * {@code e(x)} lies within the radius of one of its edit prompts). Frozen experts are computed from
 * the bank's stack in a few batched operations, the expert being trained on its own.
 */
final class AnchorRouting {

    /**
     * One batch's routing.
     *
     * @param gates {@code [n, experts]}: the weight of each expert's output per input, zero unless
     *     selected and through its gate; differentiable through the router's probabilities
     * @param selected per input, the top-1 expert before the gate
     * @param applied per input, the experts that apply (selected and through their gates), best first
     */
    record Decision(NDArray gates, int[] selected, int[][] applied) {

        /** Per input, the first expert that applies, or -1. */
        int[] chosen() {
            int[] chosen = new int[applied.length];
            for (int b = 0; b < applied.length; b++) {
                chosen[b] = applied[b].length == 0 ? -1 : applied[b][0];
            }
            return chosen;
        }
    }

    /** Inputs scored at a time by {@link #stackScores} when there are many. */
    static final int ROWS_PER_PIECE = 256;

    private AnchorRouting() {}

    /**
     * The instance embeddings {@code [n, d]} (float32, no gradient) of token-id rows {@code ids
     * [n, L]} whose prompts end at {@code promptEnds}: a running sum along each row read at its
     * prompt end, so that padding after a prompt never changes its value.
     */
    static NDArray embed(NDManager manager, NDArray table, NDArray ids, int[] promptEnds) {
        int n = Math.toIntExact(ids.getShape().get(0));
        int length = Math.toIntExact(ids.getShape().get(1));
        NDArray rows = table.get(manager, new NDIndex("{}", ids.toType(DataType.INT64, false)))
                .toType(DataType.FLOAT32, false);
        int width = Math.toIntExact(rows.getShape().get(2));
        long[] at = new long[n];
        float[] counts = new float[n];
        for (int b = 0; b < n; b++) {
            at[b] = (long) b * length + promptEnds[b];
            counts[b] = promptEnds[b] + 1;
        }
        NDArray sums =
                rows.cumSum(1).reshape(n * (long) length, width).get(manager, new NDIndex("{}", manager.create(at)));
        return sums.div(manager.create(counts, new Shape(n, 1))).stopGradient();
    }

    /** The instance embeddings of whole prompts given as token ids. */
    static NDArray embed(NDManager manager, NDArray table, List<int[]> prompts) {
        int length = prompts.stream().mapToInt(p -> p.length).max().orElseThrow();
        long[] flat = new long[prompts.size() * length];
        int[] ends = new int[prompts.size()];
        for (int b = 0; b < prompts.size(); b++) {
            int[] p = prompts.get(b);
            for (int t = 0; t < p.length; t++) {
                flat[b * length + t] = p[t];
            }
            ends[b] = p.length - 1;
        }
        return embed(manager, table, manager.create(flat, new Shape(prompts.size(), length)), ends);
    }

    /**
     * Squared Euclidean distances {@code [n, A]} between rows {@code a [n, d]} and the columns of
     * {@code bT [d, A]} whose squared lengths are {@code bNorms [A]}, as {@code |a|^2 + |b|^2 - 2 a.b}
     * (memory {@code n x A}, not {@code n x A x d}), never below zero. Lands in {@code a}'s manager.
     */
    static NDArray squaredDistances(NDArray a, NDArray bT, NDArray bNorms) {
        return a.square()
                .sum(new int[] {1}, true)
                .add(bNorms)
                .sub(a.matMul(bT).mul(2f))
                .maximum(0f);
    }

    /**
     * Whether expert {@code i}, selected for input {@code b}, applies: always without a gate and while
     * the expert is trained (it has no threshold or anchors yet), otherwise when its score reaches its
     * threshold (score gate) or the input is within the radius of one of its anchors (anchor gate,
     * {@code near}).
     */
    private static boolean applies(
            LemoeSettings.Gate gate,
            int b,
            int i,
            float score,
            float threshold,
            ExpertBank.Stack stack,
            boolean[][] near) {
        if (gate == LemoeSettings.Gate.NONE || stack == null || i >= stack.count()) {
            return true;
        }
        if (gate == LemoeSettings.Gate.SCORE) {
            return score >= threshold;
        }
        return near[b] != null && near[b][i];
    }

    /**
     * Anchor gate: for each input and each frozen expert selected for it, whether the input lies
     * within the radius of one of that expert's anchors. Computed expert by expert on the inputs that
     * selected it, so a pass costs its inputs times the selected experts' anchors, not times every
     * anchor of the mixture.
     *
     * @param selection {@code [n, t]} flattened, non-zero where an expert is selected
     * @return per input, a row of {@code t} flags, or {@code null} when no frozen expert was selected
     */
    private static boolean[][] nearAnchors(
            NDManager manager, NDArray e, ExpertBank.Stack stack, float[] selection, int n, int t) {
        boolean[][] near = new boolean[n][];
        for (int i = 0; i < stack.count(); i++) {
            if (stack.anchorsT().get(i) == null) {
                continue;
            }
            int expert = i;
            long[] rows = IntStream.range(0, n)
                    .filter(b -> selection[b * t + expert] != 0)
                    .mapToLong(b -> b)
                    .toArray();
            if (rows.length == 0) {
                continue;
            }
            NDArray inputs = e.get(manager, new NDIndex("{}", manager.create(rows)));
            float[] inside = squaredDistances(
                            inputs, stack.anchorsT().get(i), stack.anchorNorms().get(i))
                    .sub(stack.radiiSquared().get(i))
                    .min(new int[] {1})
                    .toFloatArray();
            for (int r = 0; r < rows.length; r++) {
                int b = (int) rows[r];
                if (near[b] == null) {
                    near[b] = new boolean[t];
                }
                near[b][i] = inside[r] <= 0;
            }
        }
        return near;
    }

    /**
     * The stacked (frozen) experts' scores {@code [n, count]} for embeddings {@code e} (in {@code
     * manager}), through their own projections or the shared one. With their own projections the
     * values are {@code [count, n, d]}: many inputs (every earlier edit of a long stream) are scored
     * {@link #ROWS_PER_PIECE} at a time, each piece's values freed before the next.
     */
    static NDArray stackScores(NDManager manager, NDArray e, ExpertBank.Stack stack, Projection shared) {
        NDArray k = manager.zeros(stack.keys().getShape()).addi(stack.keys());
        if (shared != null) {
            return shared.value(e).matMul(k.transpose());
        }
        long n = e.getShape().get(0);
        NDArray columns = k.expandDims(1); // [f, 1, d]
        if (n <= ROWS_PER_PIECE) {
            return ownScores(e, columns, stack);
        }
        NDList pieces = new NDList();
        for (long from = 0; from < n; from += ROWS_PER_PIECE) {
            try (NDManager piece = manager.newSubManager()) {
                NDArray rows = e.get(piece, new NDIndex("{}:{}", from, Math.min(n, from + ROWS_PER_PIECE)));
                NDArray scores = ownScores(rows, columns, stack);
                scores.attach(manager);
                pieces.add(scores);
            }
        }
        return NDArrays.concat(pieces, 0);
    }

    /** Scores {@code [n, count]} of the stack's own projections, keys as {@code [f, 1, d]}; in {@code e}'s manager. */
    private static NDArray ownScores(NDArray e, NDArray columns, ExpertBank.Stack stack) {
        NDArray v = Ops.silu(e.expandDims(0).matMul(stack.projDown())).matMul(stack.projUp()); // [f, n, d]
        return v.mul(columns).sum(new int[] {2}).transpose();
    }

    /** Each expert's score column {@code [n, 1]} for embeddings {@code e}: {@code k_i . v_i(e)}. */
    static NDArray score(NDArray e, Expert expert, Projection projection) {
        return projection.value(e).mul(expert.key()).sum(new int[] {1}, true);
    }

    /**
     * Routes inputs with embeddings {@code e [n, d]} (in {@code manager}) over the view's experts (at
     * least one): the frozen ones through their stack, the trainee on its own.
     *
     * @param shared the shared projection, or {@code null} when every expert has its own
     */
    static Decision route(
            NDManager manager,
            NDArray e,
            ExpertBank.View view,
            Projection shared,
            Router router,
            int topK,
            LemoeSettings.Gate gate) {
        int n = Math.toIntExact(e.getShape().get(0));
        int t = view.experts().size();
        NDList scoreParts = new NDList(2);
        float[] thresholds = new float[t];
        ExpertBank.Stack stack = view.stack();
        if (stack != null) {
            scoreParts.add(stackScores(manager, e, stack, shared));
            System.arraycopy(stack.thresholds(), 0, thresholds, 0, stack.count());
        }
        Expert trainee = view.trainee();
        if (trainee != null) {
            scoreParts.add(score(e, trainee, shared == null ? trainee.projection() : shared));
            thresholds[t - 1] = trainee.threshold();
        }
        NDArray scoreMatrix = scoreParts.size() == 1 ? scoreParts.get(0) : NDArrays.concat(scoreParts, 1); // [n, t]
        // the experts' scores are the router's query against identity keys, as in the routing objective
        NDArray identity = stack != null ? stack.identity(t) : manager.eye(t);
        Routing routing = router.route(scoreMatrix, identity, null, Math.min(topK, t));
        float[] scores = scoreMatrix.stopGradient().toFloatArray();
        float[] selection = routing.selected().toType(DataType.FLOAT32, false).toFloatArray();
        boolean[][] near = gate == LemoeSettings.Gate.ANCHOR && stack != null
                ? nearAnchors(manager, e, stack, selection, n, t)
                : null;
        float[] probabilities = routing.probabilities()
                .stopGradient()
                .toType(DataType.FLOAT32, false)
                .toFloatArray();
        float[] mask = new float[n * t];
        int[] selected = new int[n];
        int[][] applied = new int[n][];
        for (int b = 0; b < n; b++) {
            selected[b] = -1;
            List<Integer> chosen = new ArrayList<>();
            for (int i = 0; i < t; i++) {
                if (selection[b * t + i] != 0) {
                    chosen.add(i);
                }
            }
            int row = b;
            chosen.sort((x, y) -> Float.compare(probabilities[row * t + y], probabilities[row * t + x]));
            List<Integer> passing = new ArrayList<>();
            for (int i : chosen) {
                if (selected[b] < 0) {
                    selected[b] = i;
                }
                if (applies(gate, b, i, scores[b * t + i], thresholds[i], stack, near)) {
                    mask[b * t + i] = 1;
                    passing.add(i);
                }
            }
            applied[b] = passing.stream().mapToInt(Integer::intValue).toArray();
        }
        NDArray gates = routing.gates().toType(DataType.FLOAT32, false).mul(manager.create(mask, new Shape(n, t)));
        return new Decision(gates, selected, applied);
    }
}
