package io.editlab.api.model;

import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A causal language model to score, generate with and train through: the unedited base ({@link
 * ModelHandle}) or a session with its overlays ({@link EditSession}).
 */
@ProviderType
public interface LanguageModel {

    Tokenizer tokenizer();

    /** Teacher-forced scores, batched internally; same results as one item at a time. */
    List<TargetScore> score(List<Completion> items);

    /** Greedy generation of up to {@code maxNewTokens} tokens per prompt. */
    List<Generation> generate(List<String> prompts, int maxNewTokens);

    /** The logits after the last of {@code tokenIds}. */
    float[] nextTokenLogits(int[] tokenIds);

    /**
     * A forward pass whose results and intermediates all belong to {@code manager}; differentiable
     * with respect to trainable overlays when run inside {@link #newGradientCollector()}.
     */
    ForwardResult forward(NDManager manager, List<Completion> batch, ForwardOptions options);

    /**
     * Opens the gradient collector. PyTorch allows one per process, so this waits until any other
     * collector of the runtime is closed; close it promptly (try-with-resources).
     */
    GradientCollector newGradientCollector();
}
