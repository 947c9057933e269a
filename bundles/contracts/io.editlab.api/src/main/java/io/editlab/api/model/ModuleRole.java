package io.editlab.api.model;

/** The parts of a transformer block, named the same way for every architecture. */
public enum ModuleRole {
    /** The whole block: input and output are the residual stream. */
    BLOCK,
    /** The attention sub-layer, after its input norm. */
    ATTENTION,
    /** The feed-forward sub-layer, after its input norm. */
    MLP,
    /** The first feed-forward linear ({@code c_fc}, {@code up_proj}). */
    MLP_UP,
    /** The last feed-forward linear ({@code c_proj}, {@code down_proj}). */
    MLP_DOWN
}
