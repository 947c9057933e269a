package io.editlab.api.model;

import ai.djl.ndarray.NDArray;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A module hooked into a session's forward pass at a named module. It sees the module's input and
 * output hidden states and returns the output to continue with: {@code output} itself, an addition
 * to it ({@code output.add(delta)}), or a replacement.
 *
 * <p>Implemented by editors (ELDER's mixture of LoRAs, LEMoE's experts, GRACE's codebook).
 */
@ConsumerType
@FunctionalInterface
public interface Adapter {

    /**
     * @param context the forward pass this call belongs to
     * @param input the module's input, {@code [batch, sequence, in]}
     * @param output the module's output, {@code [batch, sequence, out]}
     * @return the output the forward pass continues with, same shape as {@code output}
     */
    NDArray forward(ForwardContext context, NDArray input, NDArray output);
}
