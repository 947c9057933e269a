package io.editlab.api.eval;

import io.editlab.api.model.Generation;
import io.editlab.api.model.TargetScore;
import java.util.Arrays;
import java.util.Objects;

/**
 * How a model does on one prompt and target, in every scoring mode the protocol uses.
 *
 * @param teacherForced per-token argmax predictions with the target fed in
 * @param generation greedy generation of as many tokens as the target has, or {@code null} when the
 *     protocol does not score by generation
 */
public record ItemScore(TargetScore teacherForced, Generation generation) {
    public ItemScore {
        Objects.requireNonNull(teacherForced, "teacherForced");
    }

    /** Fraction of target tokens predicted under teacher forcing. */
    public double tokenAccuracy() {
        return teacherForced.tokenAccuracy();
    }

    /** Whether every target token is predicted under teacher forcing. */
    public boolean exactMatch() {
        return teacherForced.exactMatch();
    }

    /** Whether greedy generation reproduces the target's tokens; false when there is no generation. */
    public boolean generationMatch() {
        return generation != null && Arrays.equals(generation.tokens(), teacherForced.targetIds());
    }
}
