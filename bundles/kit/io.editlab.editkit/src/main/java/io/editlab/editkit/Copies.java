package io.editlab.editkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

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
}
