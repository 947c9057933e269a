package io.editlab.api.model;

/**
 * How a parameter is stored. Equations in EditLab write a linear map as {@code y = x W} with
 * {@code W} of shape {@code [in, out]}; editors that compute a shift in that convention transpose
 * it for {@link #OUT_IN} parameters.
 */
public enum WeightLayout {
    /** {@code [in, out]}: GPT-2's {@code Conv1D}. */
    IN_OUT,
    /** {@code [out, in]}: {@code torch.nn.Linear} (LLaMA, Mistral, GPT-J). */
    OUT_IN,
    /** Not a linear weight: embeddings, norms, biases. */
    NONE
}
