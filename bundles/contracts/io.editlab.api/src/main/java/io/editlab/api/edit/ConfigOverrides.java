package io.editlab.api.edit;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration overrides given to {@link EditMethod#create}, read with types and checked
 * against the keys a method knows, so that every method reports bad values the same way: as an
 * {@link EditException} naming the key, the value and what was expected.
 */
public final class ConfigOverrides {

    private final String method;
    private final Map<String, ?> values;

    /**
     * @param method the method's id, for messages
     * @param values the overrides; values may be strings (as typed on a command line) or numbers
     * @param known every key the method accepts
     * @throws EditException naming the unknown keys
     */
    public ConfigOverrides(String method, Map<String, ?> values, Set<String> known) throws EditException {
        this.method = Objects.requireNonNull(method, "method");
        this.values = Map.copyOf(values);
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new EditException(method + ": unknown configuration " + unknown + "; known: " + new TreeSet<>(known));
        }
    }

    public String text(String key, String fallback) {
        Object value = values.get(key);
        return value == null ? fallback : value.toString();
    }

    public int integer(String key, int fallback) throws EditException {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return value instanceof Number n && n.doubleValue() == n.intValue()
                    ? n.intValue()
                    : Integer.parseInt(value.toString().strip());
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a whole number");
        }
    }

    public double decimal(String key, double fallback) throws EditException {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        try {
            return value instanceof Number n
                    ? n.doubleValue()
                    : Double.parseDouble(value.toString().strip());
        } catch (NumberFormatException e) {
            throw invalid(key, value, "a number");
        }
    }

    /** A number that must be positive and finite. */
    public double positive(String key, double fallback) throws EditException {
        double value = decimal(key, fallback);
        if (!(value > 0) || Double.isInfinite(value)) {
            throw invalid(key, value, "a positive finite number");
        }
        return value;
    }

    /** A whole number that must be at least {@code min}. */
    public int atLeast(String key, int fallback, int min) throws EditException {
        int value = integer(key, fallback);
        if (value < min) {
            throw invalid(key, value, "at least " + min);
        }
        return value;
    }

    public boolean bool(String key, boolean fallback) throws EditException {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        String text = value.toString().strip();
        if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(text);
        }
        throw invalid(key, value, "true or false");
    }

    /** An error about a key's value, for checks beyond the type (ranges, choices). */
    public EditException invalid(String key, Object value, String expected) {
        return new EditException(method + ": " + key + " must be " + expected + ", not '" + value + "'");
    }
}
