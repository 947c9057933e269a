package io.editlab.lemoe.impl;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link LemoeConfig} instances for tests, as Declarative Services would make them. */
final class Configs {

    private Configs() {
    }

    /** The configuration with every attribute at its default except those in {@code values}. */
    static LemoeConfig config(Map<String, Object> values) {
        return (LemoeConfig) Proxy.newProxyInstance(LemoeConfig.class.getClassLoader(),
                new Class<?>[] {LemoeConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> LemoeConfig.class;
                    case "toString" -> "LemoeConfig" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    static LemoeConfig defaults() {
        return config(Map.of());
    }
}
