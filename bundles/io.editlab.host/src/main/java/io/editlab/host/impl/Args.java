package io.editlab.host.impl;

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

    private Args(Map<String, String> values) {
        this.values = values;
    }

    static Args parse(List<String> args, Set<String> keys) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || !keys.contains(arg.substring(2))) {
                throw new UsageException("unexpected argument '" + arg + "'");
            }
            if (i + 1 >= args.size()) {
                throw new UsageException(arg + " needs a value");
            }
            if (values.put(arg.substring(2), args.get(++i)) != null) {
                throw new UsageException(arg + " given twice");
            }
        }
        return new Args(values);
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
