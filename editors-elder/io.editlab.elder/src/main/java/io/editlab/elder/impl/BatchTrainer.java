package io.editlab.elder.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.editlab.api.edit.EditException;
import io.editlab.api.loss.Loss;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.editkit.Adam;
import io.editlab.editkit.GuardedSteps;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * ELDER's editing loop for one batch (README, 'What it does': apply; after MELO's): a fresh Adam over every LoRA
 * and router parameter (the routers with their own learning rate), {@code iterations} steps of {@code L_model + lambda * L_guide} with the
 * learning rate multiplied by gamma every {@code stepSize} steps (StepLR).
 */
final class BatchTrainer {

    private final EditSession session;
    private final ElderState state;
    private final Supplier<Loss> guide;
    private final String attribute;

    BatchTrainer(EditSession session, ElderState state, Supplier<Loss> guide, String attribute) {
        this.session = session;
        this.state = state;
        this.guide = guide;
        this.attribute = attribute;
    }

    /**
     * Trains the shared parameters on {@code batch} in place.
     *
     * @param masks per edit, its preset allocation as a k-hot {@code [L * N]} mask
     * @return the loss of the last finite step
     * @throws EditException when more than {@link GuardedSteps#TOLERATED_IN_A_ROW} steps in a row are not finite;
     *     the parameters are then partly trained and the caller restores them
     */
    double train(List<Completion> batch, List<float[]> masks) throws EditException {
        ElderSettings settings = state.settings();
        boolean routersLearn = settings.routerLearningRate() > 0; // 0: routers frozen at their initialisation
        List<NDArray> parameters = routersLearn ? state.parameters() : state.loraParameters();
        parameters.forEach(p -> p.setRequiresGradient(true));
        try (NDManager moments = state.manager().newSubManager()) {
            List<Adam> optimisers =
                    new ArrayList<>(List.of(new Adam(moments, state.loraParameters(), settings.learningRate())));
            if (routersLearn) {
                optimisers.add(new Adam(moments, state.routerParameters(), settings.routerLearningRate()));
            }
            GuardedSteps guard = new GuardedSteps(optimisers);
            double loss = Double.NaN;
            for (int step = 1; step <= settings.iterations(); step++) {
                float value = guard.step(session, scratch -> loss(scratch, batch, masks));
                if (Float.isFinite(value)) {
                    loss = value;
                } else if (guard.diverged()) {
                    throw new EditException(ElderSettings.METHOD + ": the loss or its gradient was " + value
                            + " in " + guard.inARow() + " steps in a row, the last at step " + step + " of "
                            + settings.iterations());
                }
                if (settings.stepSize() > 0 && step % settings.stepSize() == 0) {
                    optimisers.forEach(adam -> adam.setLearningRate(adam.learningRate() * settings.gamma()));
                }
            }
            return loss;
        } finally {
            parameters.forEach(p -> p.setRequiresGradient(false));
        }
    }

    /** The loss of one step, {@code L_model + lambda * L_guide}, computed in {@code scratch}. */
    private NDArray loss(NDManager scratch, List<Completion> batch, List<float[]> masks) {
        ElderSettings settings = state.settings();
        ForwardResult result = session.forward(scratch, batch, ForwardOptions.TRAINING);
        ElderPass pass = result.context()
                .attribute(attribute, ElderPass.class)
                .orElseThrow(() -> new IllegalStateException("ELDER's query adapter did not run: was it unhooked?"));
        NDArray probabilities = NDArrays.stack(new NDList(pass.probabilities), 1); // [B, L, N]
        float[] flat = new float[masks.size() * settings.layers() * settings.experts()];
        for (int b = 0; b < masks.size(); b++) {
            System.arraycopy(masks.get(b), 0, flat, b * masks.get(b).length, masks.get(b).length);
        }
        NDArray target = scratch.create(flat, new Shape(masks.size(), settings.layers(), settings.experts()));
        NDArray guided = guide.get().compute(probabilities, target);
        return result.loss().add(guided.mul(settings.guidance()));
    }
}
