package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;

/** The forward pass of one decoder-only architecture over a checkpoint's weights. */
sealed interface Transformer permits Gpt2Transformer, GptJTransformer, LlamaTransformer {

    /** The final-normalised hidden states {@code [batch, sequence, hidden]} of {@code pass.tokenIds()}. */
    NDArray hidden(Pass pass);

    /** The logits {@code [rows, vocabulary]} of hidden-state rows {@code [rows, hidden]}. */
    NDArray logits(Pass pass, NDArray rows);

    /** The longest sequence the model accepts, or {@link Integer#MAX_VALUE}. */
    int maxPositions();
}
