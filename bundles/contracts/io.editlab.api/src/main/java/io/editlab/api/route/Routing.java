package io.editlab.api.route;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * A routing decision for a batch of inputs over {@code experts} experts.
 *
 * @param probabilities {@code [batch, experts]} routing probabilities over all experts
 * @param gates {@code [batch, experts]} the weight each expert's output gets: zero for experts that
 *     were not selected
 * @param selected {@code [batch, experts]} 1 for the selected experts, 0 elsewhere (float32): the
 *     input's binary allocation code
 */
public record Routing(NDArray probabilities, NDArray gates, NDArray selected) {
    public Routing {
        Objects.requireNonNull(probabilities, "probabilities");
        Objects.requireNonNull(gates, "gates");
        Objects.requireNonNull(selected, "selected");
    }
}
