package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Tensor operations shared by the architectures. Every result belongs to the manager of its first
 * operand, which is always an activation of the pass, never a base weight. In-place operations are
 * used only on results whose backward does not read them, so every op stays differentiable.
 */
final class Ops {

    private static final float GELU_SCALE = (float) Math.sqrt(2 / Math.PI);

    private Ops() {}

    /** {@code x W + b} for a weight stored {@code [in, out]} (GPT-2 {@code Conv1D}). */
    static NDArray conv1d(NDArray x, NDArray weight, NDArray bias) {
        NDArray y = x.matMul(weight);
        return bias == null ? y : y.addi(bias);
    }

    /** {@code x W^T} for a weight stored {@code [out, in]} ({@code torch.nn.Linear}, no bias). */
    static NDArray linear(NDArray x, NDArray weight) {
        return x.getNDArrayInternal().linear(x, weight, null).singletonOrThrow();
    }

    static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, double eps) {
        return x.getNDArrayInternal()
                .layerNorm(x, new Shape(x.getShape().get(x.getShape().dimension() - 1)), gamma, beta, (float) eps)
                .singletonOrThrow();
    }

    static NDArray rmsNorm(NDArray x, NDArray weight, double eps) {
        NDArray scale = x.square().mean(new int[] {-1}, true).addi((float) eps).sqrt();
        return x.div(scale).muli(weight);
    }

    /** GPT-2's {@code gelu_new}: the tanh approximation of GELU. */
    static NDArray geluNew(NDArray x) {
        NDArray inner = x.mul(x).mul(x).muli(0.044715f).addi(x).muli(GELU_SCALE); // pow's backward reads its output
        return inner.tanh().add(1f).muli(x).muli(0.5f); // tanh's backward reads its output: no in-place there
    }

    static NDArray silu(NDArray x) {
        return x.div(x.neg().exp().add(1f)); // exp's backward reads its output: no in-place there
    }

    /** An additive causal mask {@code [length, length]}: 0 on and below the diagonal, -inf above. */
    static NDArray causalMask(NDManager manager, int length) {
        float[] mask = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = i + 1; j < length; j++) {
                mask[i * length + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(length, length));
    }

    /**
     * Causal scaled dot-product attention over heads: q, k, v {@code [batch, heads, seq, headDim]}
     * give {@code [batch, seq, heads * headDim]}.
     */
    static NDArray attention(NDArray q, NDArray k, NDArray v, NDArray mask) {
        long headDim = q.getShape().get(3);
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2))
                .muli((float) (1 / Math.sqrt(headDim)))
                .addi(mask);
        NDArray context = scores.softmax(-1).matMul(v);
        Shape s = context.getShape();
        return context.transpose(0, 2, 1, 3).reshape(s.get(0), s.get(2), s.get(1) * headDim);
    }

    /** Splits {@code [batch, seq, heads * headDim]} into {@code [batch, heads, seq, headDim]}. */
    static NDArray heads(NDArray x, int heads, int headDim) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), heads, headDim).transpose(0, 2, 1, 3);
    }

    /** Token ids {@code [batch, seq]} as an int64 array. */
    static NDArray ids(NDManager manager, int[][] rows, int length) {
        long[] flat = new long[rows.length * length];
        for (int b = 0; b < rows.length; b++) {
            for (int t = 0; t < rows[b].length; t++) {
                flat[b * length + t] = rows[b][t];
            }
        }
        return manager.create(flat, new Shape(rows.length, length)).toType(DataType.INT64, false);
    }
}
