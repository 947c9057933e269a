package io.editlab.elder.impl;

import java.lang.reflect.Proxy;
import java.util.Map;

/** {@link ElderConfig} instances for tests, as Declarative Services would make them. */
final class Configs {

    private Configs() {
    }

    /** The configuration with every attribute at its default except those in {@code values}. */
    static ElderConfig config(Map<String, Object> values) {
        return (ElderConfig) Proxy.newProxyInstance(ElderConfig.class.getClassLoader(),
                new Class<?>[] {ElderConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> ElderConfig.class;
                    case "toString" -> "ElderConfig" + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.getOrDefault(method.getName(), method.getDefaultValue());
                });
    }

    static ElderConfig defaults() {
        return config(Map.of());
    }
}
