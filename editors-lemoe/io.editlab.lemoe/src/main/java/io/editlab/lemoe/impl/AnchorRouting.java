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
     * threshold (score gate) or the input is within the radius of one of its anchors (anchor gate).
     */
    private static boolean applies(
            LemoeSettings.Gate gate,
            int b,
            int i,
            float score,
            float threshold,
            ExpertBank.Stack stack,
            float[] distances) {
        if (gate == LemoeSettings.Gate.NONE || stack == null || i >= stack.count()) {
            return true;
        }
        if (gate == LemoeSettings.Gate.SCORE) {
            return score >= threshold;
        }
        if (distances == null) {
            return false;
        }
        int count = stack.owners().length;
        for (int j = 0; j < count; j++) {
            if (stack.owners()[j] == i && distances[b * count + j] <= stack.radii()[j] * stack.radii()[j]) {
                return true;
            }
        }
        return false;
    }

    /**
     * The stacked (frozen) experts' scores {@code [n, count]} for embeddings {@code e} (in {@code
     * manager}), through their own projections or the shared one.
     */
    static NDArray stackScores(NDManager manager, NDArray e, ExpertBank.Stack stack, Projection shared) {
        NDArray k = manager.zeros(stack.keys().getShape()).addi(stack.keys());
        if (shared != null) {
            return shared.value(e).matMul(k.transpose());
        }
        NDArray v = Ops.silu(e.expandDims(0).matMul(stack.projDown())).matMul(stack.projUp());
        return v.mul(k.expandDims(1)).sum(new int[] {2}).transpose();
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
        int d = Math.toIntExact(e.getShape().get(1));
        int t = view.experts().size();
        NDList values = new NDList(2);
        NDList keys = new NDList(2);
        NDList scoreParts = new NDList(2);
        float[] thresholds = new float[t];
        ExpertBank.Stack stack = view.stack();
        NDArray sharedValue = shared == null ? null : shared.value(e);
        if (stack != null) {
            int f = stack.count();
            NDArray k = manager.zeros(stack.keys().getShape()).addi(stack.keys()); // [f, d], a local copy
            keys.add(k);
            if (shared == null) {
                NDArray v = Ops.silu(e.expandDims(0).matMul(stack.projDown())).matMul(stack.projUp()); // [f, n, d]
                scoreParts.add(v.mul(k.expandDims(1)).sum(new int[] {2}).transpose()); // [n, f]
                values.add(v.transpose(1, 0, 2).reshape(n, (long) f * d));
            } else {
                scoreParts.add(sharedValue.matMul(k.transpose()));
            }
            System.arraycopy(stack.thresholds(), 0, thresholds, 0, f);
        }
        Expert trainee = view.trainee();
        if (trainee != null) {
            NDArray v = shared == null ? trainee.projection().value(e) : sharedValue;
            keys.add(manager.zeros(new Shape(1, d)).add(trainee.key())); // local, still differentiable
            scoreParts.add(v.mul(trainee.key()).sum(new int[] {1}, true));
            if (shared == null) {
                values.add(v);
            }
            thresholds[t - 1] = trainee.threshold();
        }
        NDArray scoreMatrix = scoreParts.size() == 1 ? scoreParts.get(0) : NDArrays.concat(scoreParts, 1); // [n, t]
        NDArray keyRows = keys.size() == 1 ? keys.get(0) : NDArrays.concat(keys, 0); // [t, d]
        Routing routing;
        if (shared != null) {
            routing = router.route(sharedValue, keyRows, null, Math.min(topK, t));
        } else {
            NDArray mask = stack != null ? stack.block(t, d) : ExpertBank.Stack.mask(manager, t, d);
            NDArray blockKeys = keyRows.tile(new long[] {1, t}).mul(mask);
            NDArray query = values.size() == 1 ? values.get(0) : NDArrays.concat(values, 1);
            routing = router.route(query, blockKeys, null, Math.min(topK, t));
        }
        float[] scores = scoreMatrix.stopGradient().toFloatArray();
        float[] distances = null; // squared, [n, A]
        if (gate == LemoeSettings.Gate.ANCHOR && stack != null && stack.anchorsT() != null) {
            distances =
                    squaredDistances(e, stack.anchorsT(), stack.anchorNorms()).toFloatArray();
        }
        float[] selection = routing.selected().toType(DataType.FLOAT32, false).toFloatArray();
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
                if (applies(gate, b, i, scores[b * t + i], thresholds[i], stack, distances)) {
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
