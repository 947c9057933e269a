package io.editlab.editkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Adam (Kingma and Ba) over a fixed list of trainable arrays, using the engine's fused update. Its
 * moment estimates live in a manager the caller owns and closes. Each {@link #step()} reads the
 * gradients the last backward pass left on the parameters, updates the parameters in place and
 * zeroes the gradients.
 */
public final class Adam {

    private final List<NDArray> parameters;
    private final List<NDArray> means = new ArrayList<>();
    private final List<NDArray> variances = new ArrayList<>();
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private float learningRate;
    private int steps;

    /** Adam with the usual betas (0.9, 0.999), epsilon 1e-8 and no weight decay. */
    public Adam(NDManager state, List<NDArray> parameters, float learningRate) {
        this(state, parameters, learningRate, 0.9f, 0.999f, 1e-8f, 0f);
    }

    /**
     * @param state where the moment estimates are allocated
     * @param parameters arrays marked {@code setRequiresGradient(true)}
     * @param weightDecay L2 penalty added to the gradient (Adam, not AdamW)
     */
    public Adam(
            NDManager state,
            List<NDArray> parameters,
            float learningRate,
            float beta1,
            float beta2,
            float epsilon,
            float weightDecay) {
        if (!(learningRate > 0) || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
            throw new IllegalArgumentException("need learningRate > 0, betas in [0, 1) and epsilon > 0");
        }
        this.parameters = List.copyOf(parameters);
        this.learningRate = learningRate;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        for (NDArray p : this.parameters) {
            means.add(state.zeros(p.getShape(), p.getDataType()));
            variances.add(state.zeros(p.getShape(), p.getDataType()));
        }
    }

    /** Changes the learning rate for the following steps (schedules). */
    public void setLearningRate(float learningRate) {
        if (!(learningRate > 0)) {
            throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
        }
        this.learningRate = learningRate;
    }

    public float learningRate() {
        return learningRate;
    }

    /** The number of steps taken. */
    public int steps() {
        return steps;
    }

    /**
     * The first-moment estimates, one per parameter in order: this optimiser's own arrays, for a
     * trainer that saves its state to resume later (copy them; {@link #restore} puts them back).
     */
    public List<NDArray> means() {
        return Collections.unmodifiableList(means);
    }

    /** The second-moment estimates, one per parameter in order, as {@link #means} gives the first. */
    public List<NDArray> variances() {
        return Collections.unmodifiableList(variances);
    }

    /**
     * Puts saved moments and the step count back, as {@link #means}, {@link #variances} and {@link
     * #steps} gave them (values are copied into this optimiser's arrays).
     *
     * @throws IllegalArgumentException when the counts or shapes differ from this optimiser's
     */
    public void restore(List<NDArray> savedMeans, List<NDArray> savedVariances, int savedSteps) {
        if (savedMeans.size() != means.size() || savedVariances.size() != variances.size() || savedSteps < 0) {
            throw new IllegalArgumentException("the saved optimiser state has " + savedMeans.size() + " and "
                    + savedVariances.size() + " moments and " + savedSteps + " steps; this one has "
                    + means.size() + " parameters");
        }
        for (int i = 0; i < means.size(); i++) {
            copy(savedMeans.get(i), means.get(i));
            copy(savedVariances.get(i), variances.get(i));
        }
        steps = savedSteps;
    }

    private static void copy(NDArray from, NDArray into) {
        if (!from.getShape().equals(into.getShape())) {
            throw new IllegalArgumentException(
                    "a saved moment has shape " + from.getShape() + ", the parameter's is " + into.getShape());
        }
        into.set(new NDIndex("..."), from);
    }

    /** One update of every parameter from its gradient; the gradients are zeroed afterwards. */
    public void step() {
        steps++;
        float corrected = (float) (learningRate * Math.sqrt(1 - Math.pow(beta2, steps)) / (1 - Math.pow(beta1, steps)));
        for (int i = 0; i < parameters.size(); i++) {
            NDArray p = parameters.get(i);
            try (NDArray gradient = p.getGradient()) {
                p.getNDArrayInternal()
                        .adamUpdate(
                                new NDList(p, gradient, means.get(i), variances.get(i)),
                                new NDList(p),
                                learningRate,
                                corrected,
                                weightDecay,
                                1f,
                                -1f,
                                beta1,
                                beta2,
                                epsilon,
                                true,
                                false);
            }
        }
    }

    /**
     * Sets every gradient to zero without updating: to skip a step whose gradients are not finite.
     * (Multiplying by zero would not do: NaN times zero is NaN, and gradients accumulate.)
     */
    public void zeroGradients() {
        for (NDArray p : parameters) {
            try (NDArray gradient = p.getGradient()) {
                gradient.set(new NDIndex("..."), 0f);
            }
        }
    }

    /**
     * Scales every gradient so that their global L2 norm is at most {@code maxNorm}. A norm that is
     * not finite is returned as is and nothing is scaled: check it and skip the step.
     *
     * @return the global norm before scaling
     */
    public double clipGradientNorm(double maxNorm) {
        double squares = 0;
        for (NDArray p : parameters) {
            try (NDArray gradient = p.getGradient();
                    NDArray square = gradient.square();
                    NDArray sum = square.sum()) {
                squares += sum.getFloat();
            }
        }
        double norm = Math.sqrt(squares);
        if (Double.isFinite(norm) && norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (NDArray p : parameters) {
                try (NDArray gradient = p.getGradient()) {
                    gradient.muli(scale);
                }
            }
        }
        return norm;
    }
}
