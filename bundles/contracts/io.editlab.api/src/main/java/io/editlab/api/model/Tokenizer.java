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
}
