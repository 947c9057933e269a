package io.editlab.runtime.impl;

/** Option values of this bundle's commands, checked with messages that name the option. */
final class CommandArguments {

    private CommandArguments() {}

    /** {@code value} as a whole number of at least {@code min}. */
    static int integer(String option, String value, int min) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        String range = min == Integer.MIN_VALUE ? "" : " >= " + min;
        throw new IllegalArgumentException(option + " must be a whole number" + range + ", not '" + value + "'");
    }
}
