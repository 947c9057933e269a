package io.editlab.api.loss;

import ai.djl.ndarray.NDArray;
import org.osgi.annotation.versioning.ConsumerType;

/** A differentiable loss over a prediction and a target. */
@ConsumerType
public interface Loss {

    /** Service property: the loss's id, e.g. {@code elder-guided}. */
    String NAME = "editlab.loss";

    /**
     * Computes the loss. Each implementation documents the shapes it expects; the result is a scalar
     * in {@code prediction}'s manager, differentiable with respect to {@code prediction}.
     */
    NDArray compute(NDArray prediction, NDArray target);
}
