package io.editlab.api.model;

import ai.djl.ndarray.NDArray;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What a linear module saw in one forward pass, at the captured positions: its inputs (keys), and
 * after a backward pass the gradient of the loss with respect to its outputs (value gradients).
 * Together they factor the module's weight gradient: {@code dL/dW = inputs^T outputGradients}.
 */
@ProviderType
public interface Capture {

    String module();

    /** {@code [positions, in]}, detached from the graph. */
    NDArray inputs();

    /**
     * {@code [positions, out]}: available after {@code backward} of a loss computed from this pass.
     *
     * @throws IllegalStateException before the backward pass
     */
    NDArray outputGradients();
}
