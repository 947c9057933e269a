package io.editlab.api.edit;

import java.util.Objects;

/**
 * A prompt with its expected answer, used to test an edit's reach: locality (unrelated facts that
 * must not change) or portability (consequences that should change).
 */
public record Probe(String prompt, String answer) {
    public Probe {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(answer, "answer");
    }
}
