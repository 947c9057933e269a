package io.editlab.runtime.testing;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.util.Map;

/** Component configurations (metatype annotation types) for unit tests, as Declarative Services makes them. */
public final class Configs {

    private Configs() {}

    /** A {@code type} with every attribute at its default except those in {@code values}, by attribute name. */
    public static <T extends Annotation> T of(Class<T> type, Map<String, Object> values) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> type.getSimpleName() + values;
                    case "hashCode" -> values.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> values.getOrDefault(method.getName(), method.getDefaultValue());
                }));
    }

    /** A {@code type} with every attribute at its default. */
    public static <T extends Annotation> T defaults(Class<T> type) {
        return of(type, Map.of());
    }
}
