package io.editlab.elder.impl;

import ai.djl.ndarray.NDArray;
import java.util.BitSet;

/**
 * What ELDER's adapters share within one forward pass, kept as a {@link
 * io.editlab.api.model.ForwardContext} attribute: the query, and per sequence the code and deferral
 * decision (inference only), and each mixture layer's routing probabilities (for the guided loss).
 */
final class ElderPass {

    /** {@code [batch, d]}, detached. */
    final NDArray query;
    /** Per sequence, its allocation code; {@code null} in training passes. */
    final BitSet[] codes;
    /** {@code [batch, 1]} m_b: 1 where the LoRAs apply; {@code null} in training passes, where they always do. */
    final NDArray applies;
    /** Whether {@link #applies} is 1 for some sequence (always true in training passes). */
    final boolean anyApplies;
    /** Per mixture layer, {@code [batch, N]} routing probabilities, once that layer has run. */
    final NDArray[] probabilities;

    ElderPass(NDArray query, BitSet[] codes, NDArray applies, boolean anyApplies, int layers) {
        this.query = query;
        this.codes = codes;
        this.applies = applies;
        this.anyApplies = anyApplies;
        this.probabilities = new NDArray[layers];
    }
}
