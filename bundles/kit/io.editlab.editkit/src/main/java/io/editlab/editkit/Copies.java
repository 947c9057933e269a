package io.editlab.editkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/** Copies of tensors owned by a given manager: for editor states, checkpoints and buffers that outlive a step. */
public final class Copies {

    private Copies() {}

    /** A copy of {@code source} owned by {@code into}, whatever manager {@code source} belongs to. */
    public static NDArray into(NDManager into, NDArray source) {
        NDArray copy = source.duplicate();
        copy.attach(into);
        return copy;
    }

    /** Like {@link #into}, without {@code source}'s gradient history: a plain value to keep or save. */
    public static NDArray detached(NDManager into, NDArray source) {
        try (NDArray detached = source.stopGradient()) {
            return into(into, detached);
        }
    }

    /**
     * Writes {@code values} into {@code target} in place, also when {@code target} is a trainable
     * leaf (it requires gradients): through a view of its storage without gradient history. A plain
     * in-place write into such a leaf fails whenever PyTorch's gradient mode is on, which it is on
     * every thread that has not trained yet (a fresh process, a new worker thread).
     */
    public static void assign(NDArray target, NDArray values) {
        try (NDArray storage = target.stopGradient()) {
            storage.set(new NDIndex("..."), values);
        }
    }
}
