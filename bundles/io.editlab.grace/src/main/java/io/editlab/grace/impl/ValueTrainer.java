package io.editlab.grace.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.editkit.Adam;
import java.util.List;

/**
 * Trains one codebook value: Adam on that value alone, a fixed number of steps of the session's
 * teacher-forced loss on the edit's prompt and target, with the GRACE adapter active.
 */
final class ValueTrainer {

    private final EditSession session;
    private final float learningRate;
    private final int steps;

    /** Non-finite steps tolerated in a row before training counts as diverged. */
    static final int MAX_SKIPPED_IN_A_ROW = 3;

    ValueTrainer(EditSession session, float learningRate, int steps) {
        this.session = session;
        this.learningRate = learningRate;
        this.steps = steps;
    }

    /**
     * Trains {@code value} in place towards {@code completion}.
     *
     * @return the loss after training
     * @throws EditException when a loss is not finite, during or after training
     */
    double train(NDArray value, Completion completion) throws EditException {
        value.setRequiresGradient(true);
        try (NDManager moments = session.manager().newSubManager()) {
            Adam adam = new Adam(moments, List.of(value), learningRate);
            int skippedInARow = 0;
            for (int step = 1; step <= steps; step++) {
                float loss = step(adam, completion);
                if (Float.isFinite(loss)) {
                    skippedInARow = 0;
                } else if (++skippedInARow > MAX_SKIPPED_IN_A_ROW) {
                    throw diverged(completion, loss, "at step " + step + " of " + steps);
                }
            }
        } finally {
            value.setRequiresGradient(false);
        }
        try (NDManager scratch = session.manager().newSubManager()) {
            float loss = session.forward(scratch, List.of(completion), ForwardOptions.INFERENCE).loss().getFloat();
            if (!Float.isFinite(loss)) {
                throw diverged(completion, loss, "after the last of " + steps + " steps");
            }
            return loss;
        }
    }

    /**
     * One Adam step; returns its loss. A step whose loss or gradient is not finite is skipped (PyTorch
     * on this CPU path rarely yields one); {@link #train} fails only when several follow in a row.
     */
    private float step(Adam adam, Completion completion) {
        try (NDManager scratch = session.manager().newSubManager();
                GradientCollector collector = session.newGradientCollector()) {
            NDArray loss = session.forward(scratch, List.of(completion), ForwardOptions.TRAINING).loss();
            float value = loss.getFloat();
            if (!Float.isFinite(value)) {
                return value;
            }
            collector.backward(loss);
            if (!Double.isFinite(adam.clipGradientNorm(Double.POSITIVE_INFINITY))) {
                adam.zeroGradients();
                return Float.NaN;
            }
            adam.step();
            return value;
        }
    }

    private static EditException diverged(Completion completion, float loss, String when) {
        return new EditException(GraceSettings.METHOD + ": training the value for '" + completion.prompt() + "' -> '"
                + completion.target() + "' gave a loss of " + loss + " " + when
                + "; the codebook is left as it was before the call");
    }
}
