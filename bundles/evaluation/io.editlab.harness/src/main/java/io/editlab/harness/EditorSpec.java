package io.editlab.harness;

import java.util.Map;
import java.util.Objects;

/**
 * One editor of a comparison.
 *
 * @param method the method's id ({@code editlab.method}), e.g. {@code grace}
 * @param overrides configuration overrides for this run (e.g. {@code steps=10})
 */
public record EditorSpec(String method, Map<String, String> overrides) {
    public EditorSpec {
        Objects.requireNonNull(method, "method");
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
    }
}
