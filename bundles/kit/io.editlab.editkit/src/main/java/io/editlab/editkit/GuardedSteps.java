package io.editlab.editkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.editlab.api.model.EditSession;
import java.util.List;
import java.util.function.Function;

/**
 * Optimisation steps that skip the rare non-finite one. PyTorch's CPU kernels very rarely yield a
 * lone NaN or infinity; a step whose loss or gradient is not finite therefore moves nothing (its
 * gradients are zeroed) and is counted, and the caller fails, with its own message, once more than
 * its limit of them come in a row ({@link #inARow()}). Also measures the wall time of the steps it
 * runs whole ({@link #step(EditSession, Function)}), for {@code EditResult.STEP_SECONDS}.
 */
public final class GuardedSteps {

    /**
     * Non-finite steps tolerated in a row; one more means the training diverged ({@link #diverged()}).
     * PyTorch's CPU path rarely yields a lone one, never several in a row on a healthy run.
     */
    public static final int TOLERATED_IN_A_ROW = 3;

    private final List<Adam> optimisers;
    private int inARow;
    private int skipped;
    private int taken;
    private int timed;
    private long nanos;

    /** Steps that move every one of {@code optimisers}. */
    public GuardedSteps(List<Adam> optimisers) {
        this.optimisers = List.copyOf(optimisers);
    }

    /**
     * One whole step: the loss is computed by {@code loss} in a scratch manager of the session inside
     * a gradient collector, then {@link #step(GradientCollector, NDArray)}.
     *
     * @return the loss's value (not finite when the step was skipped for it)
     */
    public float step(EditSession session, Function<NDManager, NDArray> loss) {
        return step(session, loss, Double.NEGATIVE_INFINITY);
    }

    /**
     * As {@link #step(EditSession, Function)}, but a finite loss below {@code converged} takes no step
     * at all (no backward pass; neither skipped nor timed), as FT-L's and LocFT-BF's threshold does.
     *
     * @return the loss's value (not finite when the step was skipped for it); whether a step was taken
     *     shows in {@link #taken()}
     */
    public float step(EditSession session, Function<NDManager, NDArray> loss, double converged) {
        long start = System.nanoTime();
        boolean timing = true;
        try (NDManager scratch = session.manager().newSubManager();
                GradientCollector collector = session.newGradientCollector()) {
            NDArray value = loss.apply(scratch);
            float read = value.getFloat();
            if (Float.isFinite(read) && read < converged) {
                timing = false;
                return read;
            }
            boolean moved = step(collector, value);
            return moved || !Float.isFinite(read) ? read : Float.NaN;
        } finally {
            if (timing) {
                nanos += System.nanoTime() - start;
                timed++;
            }
        }
    }

    /**
     * Back-propagates {@code loss} and moves every optimiser, unless the loss or a gradient is not
     * finite.
     *
     * @return whether the step was taken
     */
    public boolean step(GradientCollector collector, NDArray loss) {
        float value = loss.getFloat();
        if (Float.isFinite(value)) {
            collector.backward(loss);
        }
        return step(value, Double.POSITIVE_INFINITY);
    }

    /**
     * Moves every optimiser on gradients the caller has already put in place (a hand-written backward
     * pass, as MALMEN's meta-training has), after clipping each optimiser's gradient norm to {@code
     * maxNorm}, unless {@code loss} or a gradient is not finite: then the gradients are zeroed and the
     * step counts as skipped.
     *
     * @return whether the step was taken
     */
    public boolean step(double loss, double maxNorm) {
        // an infinite bound clips nothing: it only tells whether every gradient is finite
        boolean finite = Double.isFinite(loss)
                && optimisers.stream().allMatch(adam -> Double.isFinite(adam.clipGradientNorm(maxNorm)));
        if (!finite) {
            optimisers.forEach(Adam::zeroGradients);
            inARow++;
            skipped++;
            return false;
        }
        inARow = 0;
        taken++;
        optimisers.forEach(Adam::step);
        return true;
    }

    /** Whether more than {@link #TOLERATED_IN_A_ROW} steps in a row were not finite: the caller should fail. */
    public boolean diverged() {
        return inARow > TOLERATED_IN_A_ROW;
    }

    /** Non-finite steps since the last one taken. */
    public int inARow() {
        return inARow;
    }

    public int skipped() {
        return skipped;
    }

    public int taken() {
        return taken;
    }

    /** The mean wall time of the whole steps run so far, in seconds (NaN before the first). */
    public double meanStepSeconds() {
        return timed == 0 ? Double.NaN : nanos / 1e9 / timed;
    }
}
