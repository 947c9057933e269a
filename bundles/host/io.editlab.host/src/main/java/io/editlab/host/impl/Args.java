package io.editlab.host.impl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code --key value} arguments of a command, checked against the keys it accepts. */
final class Args {

    /** The arguments do not fit the command: reported with its usage and exit code 2. */
    static final class UsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final Map<String, String> values;
    private final Map<String, List<String>> repeated;

    private Args(Map<String, String> values, Map<String, List<String>> repeated) {
        this.values = values;
        this.repeated = repeated;
    }

    static Args parse(List<String> args, Set<String> keys) {
        return parse(args, keys, Set.of());
    }

    /** Parses {@code --key value} pairs; keys in {@code repeatable} may be given several times. */
    static Args parse(List<String> args, Set<String> keys, Set<String> repeatable) {
        Map<String, String> values = new HashMap<>();
        Map<String, List<String>> repeated = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String key = arg.startsWith("--") ? arg.substring(2) : "";
            if (!keys.contains(key) && !repeatable.contains(key)) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            if (i + 1 >= args.size()) {
                throw new UsageException(arg + " needs a value");
            }
            String value = args.get(++i);
            if (repeatable.contains(key)) {
                repeated.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            } else if (values.put(key, value) != null) {
                throw new UsageException(arg + " given twice");
            }
        }
        return new Args(values, repeated);
    }

    /** Every value of a repeatable key, in order. */
    List<String> all(String key) {
        return repeated.getOrDefault(key, List.of());
    }

    String get(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    String require(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new UsageException("--" + key + " is required");
        }
        return value;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    int integer(String key, int fallback) {
        String value = values.get(key);
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be a whole number, not '" + value + "'");
        }
    }

    float decimal(String key, float fallback) {
        String value = values.get(key);
        try {
            return value == null ? fallback : Float.parseFloat(value);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + key + " must be a number, not '" + value + "'");
        }
    }
}
