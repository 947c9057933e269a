package io.editlab.malmen.hypernet;

import io.editlab.api.model.ForwardOptions.CaptureTokens;
import java.util.Locale;

/**
 * The two methods built from these parts. They share the tracing, the normaliser, the network's
 * shape and the training loop; they differ in the residual block and in how per-token outputs
 * become one shift per module (README, 'What it provides').
 */
public enum Variant {

    /**
     * MALMEN (Tan et al., ICLR 2024): block {@code x + scale[m] * relu(x A B + bias) + shift[m]};
     * value differences {@code d_j = -eta <u_j, u~_j> delta~_j}, aggregated by the ridge normal
     * equation {@code S = (U^T U + exp(ell) I)^-1 U^T D}; tokens at the answer positions.
     */
    MALMEN("malmen", CaptureTokens.TARGET),

    /**
     * MEND (Mitchell et al., ICLR 2022) as MALMEN's repository runs it: block {@code x + relu((x A B
     * + bias) * scale[m] + shift[m])}, rank at most the input size, shift {@code S = -eta sum_j
     * u~_j^T delta~_j}; tokens at every non-padding position.
     */
    MEND("mend", CaptureTokens.ALL);

    private final String id;
    private final CaptureTokens tokens;

    Variant(String id, CaptureTokens tokens) {
        this.id = id;
        this.tokens = tokens;
    }

    /** The method id: the value of {@code editlab.method}. */
    public String id() {
        return id;
    }

    /** The token selection of the official code: {@code ans} for MALMEN, {@code all} for its MEND baseline. */
    public CaptureTokens defaultTokens() {
        return tokens;
    }

    /** The variant of a method id. */
    public static Variant of(String id) {
        for (Variant v : values()) {
            if (v.id.equals(id.strip().toLowerCase(Locale.ROOT))) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown method '" + id + "'; known: malmen, mend");
    }
}
