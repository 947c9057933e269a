package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.route.Router;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The routing objective of one edit batch (ours; README, 'Ours'): the anchor loss that teaches the
 * new expert's key and projection to claim the batch's prompts while every earlier edit stays with
 * its own expert, and, with the score gate, the gate loss on the new expert's score.
 *
 * <p>The routing probabilities come from the bound {@link Router} service, as at inference: the
 * experts' linear scores {@code [n, experts]} are its query, against identity keys, so the
 * service's linear score is exactly each expert's score and its probability rule (softmax for the
 * KV-anchor router) is what training optimises. Swapping the router changes training and inference
 * alike.
 */
final class RoutingObjective {

    /**
     * The routing probability every edit must give its own expert before router-only training stops
     * early: the expert's output is weighted by it, so it must stay close to what the expert was
     * trained with as experts are added.
     */
    static final double SETTLED_PROBABILITY = 0.98;

    /**
     * A routing probability below this has underflowed (float32: scores about 70 apart) and its log
     * has no useful gradient; the cross-entropy then takes that row's log-softmax of the scores
     * instead, which the KV-anchor router's softmax equals, so that router-only training can still
     * win the prompt for its expert.
     */
    private static final float SMALLEST_PROBABILITY = 1e-30f;

    private final ExpertBank bank;
    private final Supplier<Router> router;
    private final Expert fresh;
    private final int index;
    private final NDArray ePositive;
    private final NDArray eEarlier;
    private final NDArray eNegative;
    private final int[] owners;
    private final NDArray oldPositive;
    private final NDArray oldEarlier;
    private final boolean gated;

    /**
     * @param fresh the expert being trained, number {@code index} of the bank
     * @param ePositive instance embeddings of the batch's prompts
     * @param eEarlier instance embeddings of earlier edits' prompts, or {@code null}
     * @param eNegative the gate's negatives (near misses and earlier edits), or {@code null}
     * @param owners the expert of each earlier edit
     * @param oldPositive the frozen experts' scores of the batch's prompts when they cannot change
     *     during this batch (no shared projection), else {@code null}
     * @param oldEarlier likewise for the earlier edits
     * @param gated whether the score gate's loss applies
     */
    RoutingObjective(
            ExpertBank bank,
            Supplier<Router> router,
            Expert fresh,
            int index,
            NDArray ePositive,
            NDArray eEarlier,
            NDArray eNegative,
            int[] owners,
            NDArray oldPositive,
            NDArray oldEarlier,
            boolean gated) {
        this.bank = bank;
        this.router = router;
        this.fresh = fresh;
        this.index = index;
        this.ePositive = ePositive;
        this.eEarlier = eEarlier;
        this.eNegative = eNegative;
        this.owners = owners;
        this.oldPositive = oldPositive;
        this.oldEarlier = oldEarlier;
        this.gated = gated;
    }

    boolean active() {
        return anchored() || gated;
    }

    private boolean anchored() {
        return bank.settings().anchorLoss() > 0 && index > 0;
    }

    /**
     * Whether the router alone needs no more steps: without the score gate's loss, when every prompt
     * of the batch and every earlier edit gives its own expert a routing probability of at least
     * {@link #SETTLED_PROBABILITY}.
     */
    boolean settled(NDManager scratch) {
        if (gated) {
            return false;
        }
        if (!anchored()) {
            return true;
        }
        if (!routedSurely(
                probabilities(scores(scratch, Ops.local(scratch, ePositive), Ops.local(scratch, oldPositive))),
                filled(ePositive, index))) {
            return false;
        }
        return eEarlier == null
                || routedSurely(
                        probabilities(scores(scratch, Ops.local(scratch, eEarlier), Ops.local(scratch, oldEarlier))),
                        owners);
    }

    /** The weighted anchor and gate losses in {@code scratch}, or {@code null} when neither applies. */
    NDArray loss(NDManager scratch) {
        LemoeSettings settings = bank.settings();
        NDArray positive = Ops.local(scratch, ePositive);
        NDArray loss = null;
        if (anchored()) {
            loss = anchorLoss(scratch, positive).mul(settings.anchorLoss());
        }
        if (gated) {
            NDArray gate = gateLoss(positive, Ops.local(scratch, eNegative)).mul(settings.gateLoss());
            loss = loss == null ? gate : loss.add(gate);
        }
        return loss;
    }

    /**
     * The routing cross-entropy: the batch's prompts towards the new expert, earlier edits towards
     * their owners, each group's mean, summed.
     */
    private NDArray anchorLoss(NDManager scratch, NDArray positive) {
        NDArray own = scores(scratch, positive, Ops.local(scratch, oldPositive));
        NDArray loss = crossEntropy(scratch, own, probabilities(own), filled(ePositive, index));
        if (eEarlier == null) {
            return loss;
        }
        NDArray earlier = scores(scratch, Ops.local(scratch, eEarlier), Ops.local(scratch, oldEarlier));
        return loss.add(crossEntropy(scratch, earlier, probabilities(earlier), owners));
    }

    /**
     * All experts' scores {@code [n, index + 1]}: the frozen ones (given, or through the live shared
     * projection) then the new one.
     */
    private NDArray scores(NDManager scratch, NDArray e, NDArray old) {
        NDArray own = AnchorRouting.score(e, fresh, bank.projectionOf(fresh));
        if (index == 0) {
            return own;
        }
        NDArray earlier = old != null
                ? old
                : AnchorRouting.stackScores(scratch, e, bank.view().stack(), bank.shared());
        return earlier.concat(own, 1);
    }

    /** The router service's probabilities {@code [n, experts]} for linear scores {@code [n, experts]}. */
    private NDArray probabilities(NDArray scores) {
        int experts = Math.toIntExact(scores.getShape().get(1));
        NDArray identity = scores.getManager().eye(experts).toType(scores.getDataType(), false);
        return router.get().route(scores, identity, null, 1).probabilities();
    }

    /**
     * The mean of {@code -log p(target)} over the rows, {@code p} the router's {@code probabilities};
     * a row whose target probability underflowed uses the log-softmax of its {@code scores}.
     */
    static NDArray crossEntropy(NDManager scratch, NDArray scores, NDArray probabilities, int[] targets) {
        int classes = Math.toIntExact(probabilities.getShape().get(1));
        float[] oneHot = new float[targets.length * classes];
        for (int r = 0; r < targets.length; r++) {
            oneHot[r * classes + targets[r]] = 1;
        }
        NDArray target = scratch.create(oneHot, new Shape(targets.length, classes));
        NDArray underflowed =
                probabilities.stopGradient().lt(SMALLEST_PROBABILITY).toType(probabilities.getDataType(), false);
        NDArray logProbabilities = probabilities
                .maximum(SMALLEST_PROBABILITY)
                .log()
                .mul(underflowed.neg().add(1))
                .add(scores.logSoftmax(1).mul(underflowed));
        return logProbabilities.mul(target).sum().div(targets.length).neg();
    }

    /** The logistic loss of the new expert's score: positive on the batch, negative on {@code negative}. */
    private NDArray gateLoss(NDArray positive, NDArray negative) {
        Projection projection = bank.projectionOf(fresh);
        NDArray loss = Ops.softplus(
                        AnchorRouting.score(positive, fresh, projection).neg())
                .mean();
        if (negative != null) {
            loss = loss.add(Ops.softplus(AnchorRouting.score(negative, fresh, projection))
                    .mean());
        }
        return loss;
    }

    /** Whether each row of {@code probabilities [rows, experts]} gives its target at least {@link #SETTLED_PROBABILITY}. */
    private static boolean routedSurely(NDArray probabilities, int[] targets) {
        int experts = Math.toIntExact(probabilities.getShape().get(1));
        float[] p = probabilities.stopGradient().toFloatArray();
        for (int r = 0; r < targets.length; r++) {
            if (p[r * experts + targets[r]] < SETTLED_PROBABILITY) {
                return false;
            }
        }
        return true;
    }

    private static int[] filled(NDArray rows, int value) {
        int[] filled = new int[Math.toIntExact(rows.getShape().get(0))];
        Arrays.fill(filled, value);
        return filled;
    }
}
