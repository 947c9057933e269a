package io.editlab.grace.impl;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers which entry covers each of the last few queries, for one codebook snapshot. An edit
 * trains its value for many steps on the same prompt, and the key (the wrapped module's input) is
 * upstream of the value, so every step asks the same question: without the memo each step would
 * search the whole codebook again, and an edit's time would grow with the number of edits before
 * it. A new snapshot (an entry added, a radius changed) empties the memo.
 */
final class CoveringMemo {

    /** Queries kept per snapshot: a training step asks one, an evaluation batch a few dozen. */
    static final int CAPACITY = 256;

    private List<CodebookEntry> snapshot;
    private final Map<Query, Optional<CodebookEntry>> answers = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Query, Optional<CodebookEntry>> eldest) {
            return size() > CAPACITY;
        }
    };

    /** {@link Codebook#covering}, searched once per distinct query and snapshot. */
    synchronized CodebookEntry covering(List<CodebookEntry> entries, float[] query) {
        if (entries != snapshot) {
            answers.clear();
            snapshot = entries;
        }
        return answers.computeIfAbsent(
                        new Query(query.clone()), q -> Optional.ofNullable(Codebook.covering(entries, q.key())))
                .orElse(null);
    }

    /** A query compared by its contents, bit for bit. */
    private record Query(float[] key) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Query q && Arrays.equals(key, q.key);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString() {
            return "Query[" + key.length + " floats]";
        }
    }
}
