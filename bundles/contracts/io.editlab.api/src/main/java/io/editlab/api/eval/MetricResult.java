package io.editlab.api.eval;

import java.util.Map;
import java.util.Objects;

/**
 * A metric's value.
 *
 * @param metric the metric's id
 * @param value the headline value; {@code NaN} when there was nothing to score
 * @param samples how many items the value averages over
 * @param details further named values (per scoring mode, per record group)
 */
public record MetricResult(String metric, double value, long samples, Map<String, Double> details) {
    public MetricResult {
        Objects.requireNonNull(metric, "metric");
        if (samples < 0) {
            throw new IllegalArgumentException("samples must not be negative");
        }
        details = details == null ? Map.of() : Map.copyOf(details);
    }
}
