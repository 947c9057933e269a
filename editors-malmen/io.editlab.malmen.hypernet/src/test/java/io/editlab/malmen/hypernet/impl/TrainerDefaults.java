package io.editlab.malmen.hypernet.impl;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Trainer configurations as SCR passes them: given values, the built-in defaults for the rest. */
final class TrainerDefaults {

    private TrainerDefaults() {
    }

    static TrainerConfig defaults() {
        return config(Map.of());
    }

    static TrainerConfig config(Map<String, Object> values) {
        return (TrainerConfig) Proxy.newProxyInstance(TrainerConfig.class.getClassLoader(),
                new Class<?>[] {TrainerConfig.class},
                (proxy, method, args) -> values.getOrDefault(method.getName(), method.getDefaultValue()));
    }
}
