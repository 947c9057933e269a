package io.editlab.grace.impl;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * One key-value pair of a {@link Codebook}, with its deferral radius and the label (target) it was
 * trained for. Entries are immutable; the value array is the codebook's and changes only while the
 * codebook trains it.
 *
 * @param key the wrapped module's input at the edit prompt's last token, {@code [in]}
 * @param value what replaces the module's output when a key falls within {@code radius}, {@code [out]}
 * @param radius the deferral radius (Euclidean)
 * @param label the target the value was trained for
 */
record CodebookEntry(float[] key, NDArray value, float radius, String label) {

    CodebookEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(label, "label");
        if (!(radius >= 0)) {
            throw new IllegalArgumentException("radius must not be negative, got " + radius);
        }
    }

    CodebookEntry withRadius(float newRadius) {
        return new CodebookEntry(key, value, newRadius, label);
    }

    CodebookEntry withValue(NDArray newValue) {
        return new CodebookEntry(key, newValue, radius, label);
    }

    CodebookEntry withLabel(String newLabel) {
        return new CodebookEntry(key, value, radius, newLabel);
    }

    /**
     * The squared Euclidean distance to {@code query} in double precision, or some value above {@code
     * bound} once the running sum exceeds it.
     */
    double squaredDistance(float[] query, double bound) {
        double sum = 0;
        for (int i = 0; i < key.length; i++) {
            double d = (double) query[i] - key[i];
            sum += d * d;
            if (sum > bound) {
                return sum;
            }
        }
        return sum;
    }
}
