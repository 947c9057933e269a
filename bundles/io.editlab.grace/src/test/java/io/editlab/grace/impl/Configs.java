package io.editlab.grace.impl;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link GraceConfig} instances for tests, as Declarative Services would make them. */
final class Configs {

    private Configs() {
    }

    /** The configuration with every attribute at its default except those in {@code values}. */
    static GraceConfig config(Map<String, Object> values) {
        return (GraceConfig) Proxy.newProxyInstance(GraceConfig.class.getClassLoader(),
                new Class<?>[] {GraceConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> GraceConfig.class;
                    case "toString" -> "GraceConfig" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    static GraceConfig defaults() {
        return config(Map.of());
    }
}
