package io.editlab.api.edit;

import java.util.Map;
import java.util.Set;

/**
 * What one {@link Editor#apply} did.
 *
 * @param edits the number of requests applied
 * @param nanos wall time spent
 * @param touched the parameters whose deltas and the modules whose adapters changed
 * @param stats method-specific figures (final loss, steps, parameters added, ...)
 */
public record EditResult(int edits, long nanos, Set<String> touched, Map<String, Double> stats) {

    /**
     * The stat every editor with inner optimisation steps reports: the mean wall time of one step of
     * the call, in seconds (the cost metric's {@code edit_step_ratio} compares it with a plain forward
     * and backward pass).
     */
    public static final String STEP_SECONDS = "step_seconds";

    public EditResult {
        if (edits < 0 || nanos < 0) {
            throw new IllegalArgumentException("edits and nanos must not be negative");
        }
        touched = touched == null ? Set.of() : Set.copyOf(touched);
        stats = stats == null ? Map.of() : Map.copyOf(stats);
    }
}
