package io.editlab.api.route;

import ai.djl.ndarray.NDArray;
import org.osgi.annotation.versioning.ConsumerType;

/** Scores experts for a batch of queries and keeps the top k. */
@ConsumerType
public interface Router {

    /** Service property: the router's id, e.g. {@code elder-topk}, {@code kv-anchor}. */
    String NAME = "editlab.router";

    /**
     * Routes a batch. Must be differentiable with respect to {@code query}, {@code weights} and
     * {@code bias} when they require gradients. Results belong to {@code query}'s manager.
     *
     * @param query {@code [batch, d]}: one query vector per input
     * @param weights {@code [experts, d]}: one routing vector per expert (router rows, anchor keys)
     * @param bias {@code [experts]}, or {@code null} for none
     * @param topK how many experts each input may use, 1 to {@code experts}
     */
    Routing route(NDArray query, NDArray weights, NDArray bias, int topK);
}
