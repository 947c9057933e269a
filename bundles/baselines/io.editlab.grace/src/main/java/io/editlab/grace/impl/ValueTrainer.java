package io.editlab.grace.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.editkit.Adam;
import io.editlab.editkit.GuardedSteps;
import java.util.List;

/**
 * Trains one codebook value: Adam on that value alone, a fixed number of steps of the session's
 * teacher-forced loss on the edit's prompt and target, with the GRACE adapter active.
 */
final class ValueTrainer {

    private final EditSession session;
    private final float learningRate;
    private final int steps;
    private double stepSeconds = Double.NaN;

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
            GuardedSteps guard = new GuardedSteps(List.of(new Adam(moments, List.of(value), learningRate)));
            for (int step = 1; step <= steps; step++) {
                float loss = guard.step(
                        session, scratch -> session.forward(scratch, List.of(completion), ForwardOptions.TRAINING)
                                .loss());
                if (guard.diverged()) {
                    throw diverged(completion, loss, "at step " + step + " of " + steps);
                }
            }
            stepSeconds = guard.meanStepSeconds();
        } finally {
            value.setRequiresGradient(false);
        }
        try (NDManager scratch = session.manager().newSubManager()) {
            float loss = session.forward(scratch, List.of(completion), ForwardOptions.INFERENCE)
                    .loss()
                    .getFloat();
            if (!Float.isFinite(loss)) {
                throw diverged(completion, loss, "after the last of " + steps + " steps");
            }
            return loss;
        }
    }

    /** The mean wall time of one step of the last {@link #train} call, in seconds. */
    double stepSeconds() {
        return stepSeconds;
    }

    private static EditException diverged(Completion completion, float loss, String when) {
        return new EditException(GraceSettings.METHOD + ": training the value for '" + completion.prompt() + "' -> '"
                + completion.target() + "' gave a loss of " + loss + " " + when);
    }
}
