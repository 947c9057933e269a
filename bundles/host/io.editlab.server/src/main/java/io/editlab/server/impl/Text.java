package io.editlab.server.impl;

/**
 * User text as it may appear in answers and logs: cut to a readable length, control characters
 * escaped, so that a huge field is never echoed whole and a newline cannot forge a log line.
 */
final class Text {

    /** Longest piece of user text quoted in an answer or a log line. */
    static final int QUOTE = 120;

    private Text() {}

    /** {@code value} in single quotes, escaped and cut to {@link #QUOTE} characters (the cut says how long it was). */
    static String quote(String value) {
        return "'" + escape(value) + "'";
    }

    /** {@code value} escaped and cut to {@link #QUOTE} characters, for a log line. */
    static String escape(String value) {
        if (value == null) {
            return "null";
        }
        String cut = value.length() <= QUOTE ? value : value.substring(0, QUOTE);
        StringBuilder out = new StringBuilder(cut.length() + 16);
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (cut.length() < value.length()) {
            out.append("... (").append(value.length()).append(" characters)");
        }
        return out.toString();
    }
}
