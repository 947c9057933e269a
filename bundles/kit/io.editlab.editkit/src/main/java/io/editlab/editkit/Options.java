package io.editlab.editkit;

import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditOptions;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A method's options record: a record whose components have the names and types of the attributes
 * of the method's metatype configuration (int, long, float, double, boolean or String; a component
 * that is itself such a record stands for its components, so that methods of one family share one
 * record of their common options). {@link OptionsReader} reads it; its constructor checks ranges
 * with {@link #require} and its kin; {@link #values} gives it as text. Every problem is reported as
 * an {@link EditException} in one form: "METHOD: KEY must be EXPECTED, not 'VALUE'".
 */
public final class Options {

    private Options() {}

    /**
     * Every component of {@code options} as text, in declaration order: {@link EditOptions#values}.
     * A component that is itself a record (options several methods share) gives its components in
     * its place.
     */
    public static Map<String, String> values(Record options) {
        Map<String, String> values = new LinkedHashMap<>();
        collect(options, values);
        return Collections.unmodifiableMap(values);
    }

    private static void collect(Record options, Map<String, String> into) {
        for (RecordComponent component : options.getClass().getRecordComponents()) {
            Object value;
            try {
                Method accessor = component.getAccessor();
                accessor.setAccessible(true);
                value = accessor.invoke(options);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component, e);
            }
            if (value instanceof Record shared) {
                collect(shared, into);
            } else {
                into.put(component.getName(), String.valueOf(value));
            }
        }
    }

    /** The option names of a record type: its components', those of a record component in its place. */
    static List<String> names(Class<?> type) {
        List<String> names = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getType().isRecord()) {
                names.addAll(names(component.getType()));
            } else {
                names.add(component.getName());
            }
        }
        return names;
    }

    /** A record of {@code type} with each option's raw value from {@code raw}, converted and checked. */
    static <R> R build(String method, Class<R> type, Function<String, Object> raw) throws EditException {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> componentType = components[i].getType();
            String name = components[i].getName();
            values[i] = componentType.isRecord()
                    ? build(method, componentType, raw)
                    : convert(method, name, raw.apply(name), componentType);
        }
        return construct(method, type, components, values);
    }

    /** Fails with an {@link OutOfRange} unless {@code ok}: for an options record's constructor. */
    public static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new OutOfRange(key, value, expected);
        }
    }

    /** Requires a positive finite number. */
    public static void positive(String key, double value) {
        require(value > 0 && !Double.isInfinite(value), key, value, "a positive finite number");
    }

    /** Requires a whole number of at least {@code min}. */
    public static void atLeast(String key, long value, long min) {
        require(value >= min, key, value, "at least " + min);
    }

    /** The error about an option's value, in the form every method reports: for checks against a model. */
    public static EditException invalid(String method, String key, Object value, String expected) {
        return new EditException(method + ": " + key + " must be " + expected + ", not '" + value + "'");
    }

    /** A value out of range, thrown by an options record's constructor and reported by {@link OptionsReader}. */
    public static final class OutOfRange extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String key;
        private final transient Object value;
        private final String expected;

        public OutOfRange(String key, Object value, String expected) {
            super(key + " must be " + expected + ", not '" + value + "'");
            this.key = key;
            this.value = value;
            this.expected = expected;
        }

        /** This error for {@code method}. */
        public EditException of(String method) {
            return invalid(method, key, value, expected);
        }
    }

    static Object configured(Class<?> config, Object defaults, String name) {
        try {
            Method attribute = config.getDeclaredMethod(name);
            attribute.setAccessible(true);
            return attribute.invoke(defaults);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the configured " + name, e);
        }
    }

    private static Object convert(String method, String key, Object raw, Class<?> type) throws EditException {
        if (raw == null) {
            throw invalid(method, key, null, "given");
        }
        String text = raw.toString().strip();
        try {
            if (type == int.class) {
                return raw instanceof Number n && n.doubleValue() == n.intValue()
                        ? n.intValue()
                        : Integer.parseInt(text);
            }
            if (type == long.class) {
                return raw instanceof Number n && n.doubleValue() == n.longValue()
                        ? n.longValue()
                        : Long.parseLong(text);
            }
            if (type == double.class) {
                return raw instanceof Number n ? n.doubleValue() : Double.parseDouble(text);
            }
            if (type == float.class) {
                return raw instanceof Number n ? n.floatValue() : Float.parseFloat(text);
            }
        } catch (NumberFormatException e) {
            throw invalid(method, key, raw, type == int.class || type == long.class ? "a whole number" : "a number");
        }
        if (type == boolean.class) {
            if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(text);
            }
            throw invalid(method, key, raw, "true or false");
        }
        if (type == String.class) {
            return raw.toString();
        }
        throw new IllegalStateException("option " + key + " has the unsupported type " + type);
    }

    private static <R> R construct(String method, Class<R> type, RecordComponent[] components, Object[] values)
            throws EditException {
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof OutOfRange range) {
                throw range.of(method);
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName(), e);
        }
    }
}
