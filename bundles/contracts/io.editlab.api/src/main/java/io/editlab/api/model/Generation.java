package io.editlab.api.model;

import java.util.Arrays;
import java.util.Objects;

/**
 * Greedily generated continuation of a prompt.
 *
 * @param prompt the prompt
 * @param tokens the generated token ids, in order
 * @param text their decoded text
 */
public record Generation(String prompt, int[] tokens, String text) {
    public Generation {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(text, "text");
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Generation g
                && prompt.equals(g.prompt)
                && Arrays.equals(tokens, g.tokens)
                && text.equals(g.text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prompt, text) * 31 + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "Generation[" + prompt + " -> " + text + "]";
    }
}
