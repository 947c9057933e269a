package io.editlab.lemoe.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;

/**
 * The value projection of the KV-anchor router (README, 'What it does'): {@code v(x) = SiLU(e(x) W_down)
 * W_up} with {@code W_down [d, d_p]} and {@code W_up [d_p, d]}, no biases.
 */
record Projection(NDArray down, NDArray up) {

    /** A fresh projection: both matrices uniform in +-1/sqrt(fan in), as torch's Linear initialises. */
    static Projection initial(NDManager manager, int width, int projectionWidth, Random random) {
        return new Projection(
                Ops.uniform(manager, new Shape(width, projectionWidth), 1 / Math.sqrt(width), random),
                Ops.uniform(manager, new Shape(projectionWidth, width), 1 / Math.sqrt(projectionWidth), random));
    }

    /** The value vectors {@code [n, d]} of instance embeddings {@code [n, d]}, in {@code e}'s manager. */
    NDArray value(NDArray e) {
        return Ops.silu(e.matMul(down)).matMul(up);
    }

    List<NDArray> parameters() {
        return List.of(down, up);
    }
}
