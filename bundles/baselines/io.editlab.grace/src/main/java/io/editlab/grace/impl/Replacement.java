package io.editlab.grace.impl;

import java.util.Arrays;
import java.util.Optional;

/** Which positions of a sequence get a codebook value once its query key falls within an entry's radius. */
enum Replacement {
    /** Every position of the sequence. */
    ALL("all"),
    /** The query position (the last prompt token) only. */
    LAST("last"),
    /** The query position and every position after it (the answer, under teacher forcing or generation). */
    FROM_QUERY("from-query");

    private final String id;

    Replacement(String id) {
        this.id = id;
    }

    /** The configuration value naming this choice. */
    String id() {
        return id;
    }

    /** Whether {@code position} is replaced in a sequence whose query is at {@code query}. */
    boolean replaces(int position, int query) {
        return switch (this) {
            case ALL -> true;
            case LAST -> position == query;
            case FROM_QUERY -> position >= query;
        };
    }

    static Optional<Replacement> parse(String id) {
        return Arrays.stream(values()).filter(r -> r.id.equals(id.strip())).findFirst();
    }
}
