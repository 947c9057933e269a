package io.editlab.api.model;

import java.util.Set;

/**
 * How to run a differentiable forward pass.
 *
 * @param training whether adapters should behave as in an edit step ({@link ForwardContext#training()})
 * @param capture linear modules whose inputs and output gradients to capture (MALMEN, MEND)
 * @param captureTokens at which positions to capture them
 */
public record ForwardOptions(boolean training, Set<String> capture, CaptureTokens captureTokens) {

    /** Positions at which captures are taken. */
    public enum CaptureTokens {
        /** The positions that predict target tokens (MALMEN's {@code ans}). */
        TARGET,
        /** Every non-padding position (MEND's {@code all}). */
        ALL
    }

    public ForwardOptions {
        capture = capture == null ? Set.of() : Set.copyOf(capture);
        captureTokens = captureTokens == null ? CaptureTokens.TARGET : captureTokens;
    }

    /** A training pass without captures. */
    public static final ForwardOptions TRAINING = new ForwardOptions(true, Set.of(), CaptureTokens.TARGET);

    /** An inference pass without captures. */
    public static final ForwardOptions INFERENCE = new ForwardOptions(false, Set.of(), CaptureTokens.TARGET);
}
