package io.editlab.api.model;

import org.osgi.annotation.versioning.ProviderType;

/** The tokenizer a model was trained with. */
@ProviderType
public interface Tokenizer {

    /** Token ids of a text as a prompt: with the model's start token when it uses one. */
    int[] encode(String text);

    /**
     * Token ids of a text that continues a prompt, such as an answer: no start token, and with the
     * leading space the model would generate before a word (GPT-2's convention).
     */
    int[] encodeContinuation(String text);

    /** The text of token ids, without special tokens. */
    String decode(int[] ids);

    /** The number of token ids the model has embeddings for. */
    int vocabularySize();

    /**
     * The text of the model's end-of-text token ({@code <|endoftext|>} for GPT-2 and GPT-J, {@code
     * </s>} for LLaMA-2 and Mistral, {@code <|end_of_text|>} for Llama-3), which {@link
     * #encodeContinuation} turns into that one token where it appears in a text; empty when the
     * vocabulary has none (the built-in model's).
     *
     * @since 1.3
     */
    default java.util.Optional<String> endOfText() {
        return java.util.Optional.empty();
    }
}
