package io.editlab.api.model;

import java.util.Objects;

/**
 * A prompt and the target that should follow it, scored or trained on under teacher forcing: the
 * model reads {@code prompt + target} and is asked, at each position, for the next target token.
 */
public record Completion(String prompt, String target) {
    public Completion {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(target, "target");
        if (target.isBlank()) {
            throw new IllegalArgumentException("target must not be blank");
        }
    }
}
