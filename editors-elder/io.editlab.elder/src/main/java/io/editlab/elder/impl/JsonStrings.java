package io.editlab.elder.impl;

import java.util.ArrayList;
import java.util.List;

/** A list of strings as a JSON array, for the labels in an editor state's text metadata. */
final class JsonStrings {

    private JsonStrings() {
    }

    static String encode(List<String> strings) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < strings.size(); i++) {
            json.append(i == 0 ? "" : ",").append('"');
            for (char c : strings.get(i).toCharArray()) {
                switch (c) {
                    case '"' -> json.append("\\\"");
                    case '\\' -> json.append("\\\\");
                    case '\n' -> json.append("\\n");
                    case '\r' -> json.append("\\r");
                    case '\t' -> json.append("\\t");
                    default -> json.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
                }
            }
            json.append('"');
        }
        return json.append(']').toString();
    }

    /**
     * @throws IllegalArgumentException when {@code json} is not an array of strings
     */
    static List<String> decode(String json) {
        Reader reader = new Reader(json);
        List<String> strings = new ArrayList<>();
        reader.expect('[');
        if (!reader.skipIf(']')) {
            do {
                strings.add(reader.string());
            } while (reader.skipIf(','));
            reader.expect(']');
        }
        reader.end();
        return strings;
    }

    /** A cursor over the text, skipping whitespace between tokens. */
    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        void expect(char c) {
            if (!skipIf(c)) {
                throw error("'" + c + "'");
            }
        }

        boolean skipIf(char c) {
            skipSpace();
            if (at < text.length() && text.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        void end() {
            skipSpace();
            if (at != text.length()) {
                throw error("the end of the text");
            }
        }

        String string() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (at < text.length()) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return value.toString();
                }
                value.append(c == '\\' ? escaped() : c);
            }
            throw error("a closing quote");
        }

        private char escaped() {
            if (at >= text.length()) {
                throw error("an escape");
            }
            char c = text.charAt(at++);
            return switch (c) {
                case '"', '\\', '/' -> c;
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'u' -> unicode();
                default -> throw error("a valid escape");
            };
        }

        private char unicode() {
            if (at + 4 > text.length()) {
                throw error("four hex digits");
            }
            try {
                char c = (char) Integer.parseInt(text.substring(at, at + 4), 16);
                at += 4;
                return c;
            } catch (NumberFormatException e) {
                throw error("four hex digits");
            }
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
        }

        private IllegalArgumentException error(String expected) {
            return new IllegalArgumentException("not a JSON array of strings: expected " + expected + " at character "
                    + at + " of " + text.length());
        }
    }
}
