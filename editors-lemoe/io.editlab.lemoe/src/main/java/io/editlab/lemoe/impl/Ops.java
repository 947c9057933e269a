package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * Element-wise functions written with tanh so that their values and gradients stay finite for any
 * finite input, seeded initialisers, and {@link #local} to choose where results land: every result
 * lands in the manager of the first operand.
 */
final class Ops {

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    private Ops() {}

    /**
     * A copy of {@code array} in {@code scratch} (or {@code null}): results of operations whose first
     * operand it is then land in {@code scratch}, which is closed after the step.
     */
    static NDArray local(NDManager scratch, NDArray array) {
        return array == null
                ? null
                : scratch.zeros(array.getShape(), array.getDataType()).add(array);
    }

    /** GPT-2's {@code gelu_new}: {@code 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))}. */
    static NDArray gelu(NDArray x) {
        return x.mul(x.pow(2)
                        .mul(0.044715f)
                        .add(1f)
                        .mul(x)
                        .mul(SQRT_2_OVER_PI)
                        .tanh()
                        .add(1f))
                .mul(0.5f);
    }

    /** {@code x * sigmoid(x)}, with {@code sigmoid(x) = (1 + tanh(x / 2)) / 2}. */
    static NDArray silu(NDArray x) {
        return x.mul(x.mul(0.5f).tanh().add(1f).mul(0.5f));
    }

    /** {@code log(1 + exp(x))}, computed as {@code max(x, 0) + log(1 + exp(-|x|))}. */
    static NDArray softplus(NDArray x) {
        return x.maximum(0f).add(x.abs().neg().exp().add(1f).log());
    }

    /** Normal values with mean 0 and standard deviation {@code std}. */
    static NDArray normal(NDManager manager, Shape shape, double std, Random random) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(values, shape);
    }

    /** Uniform values in {@code [-bound, bound)}. */
    static NDArray uniform(NDManager manager, Shape shape, double bound, Random random) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return manager.create(values, shape);
    }
}
