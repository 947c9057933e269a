package io.editlab.grace.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * GRACE's codebook: keys with deferral radii and labels, and the values that replace a module's
 * output for inputs near a key. It owns its manager and every value in it.
 *
 * <p>Readers (the adapter, on any thread) take a snapshot with {@link #entries()}; changes replace
 * the list. Values are trained in place ({@link #trainable}); a failed edit is undone by the
 * session's transaction, which restores the editor's state.
 */
final class Codebook implements AutoCloseable {

    /**
     * Relative margin added when a radius grows to cover a key: the key recomputed in a batched pass
     * differs from the one computed alone by float rounding, and must still be covered.
     */
    static final float COVER_MARGIN = 1e-4f;

    /** What {@link #place} did with a new key. */
    enum Action {
        /** No entry was near: a new entry with the initial radius. */
        ADDED,
        /** The nearest entry has the same label and already covered the key. */
        REUSED,
        /** The nearest entry has the same label; its radius grew to cover the key. */
        EXPANDED,
        /** The nearest entry has another label: both radii shrank to half their distance, a new entry was added. */
        SPLIT,
        /** The nearest entry has exactly this key and another label: it now carries the new label. */
        RELABELLED
    }

    /** Where a key was placed: the entry whose value should now be trained. */
    record Placement(int index, Action action) {}

    /** The nearest entry to a query and its distance. */
    record Nearest(int index, float distance) {}

    private final NDManager manager;
    private final int keyWidth;
    private final int valueWidth;
    private volatile List<CodebookEntry> entries = List.of();

    /**
     * @param manager where values live; the codebook owns and closes it
     * @param keyWidth the length of every key
     * @param valueWidth the length of every value
     */
    Codebook(NDManager manager, int keyWidth, int valueWidth) {
        this.manager = manager;
        this.keyWidth = keyWidth;
        this.valueWidth = valueWidth;
    }

    /** The current entries, an immutable snapshot. */
    List<CodebookEntry> entries() {
        return entries;
    }

    int size() {
        return entries.size();
    }

    /** Where values are allocated (for {@link CodebookState#read}). */
    NDManager manager() {
        return manager;
    }

    /**
     * The entry whose key is nearest to {@code query} (the first of equally near ones), if any. A key's
     * sum of squares stops as soon as it exceeds the best so far: it could not win.
     */
    static Optional<Nearest> nearest(List<CodebookEntry> entries, float[] query) {
        int best = -1;
        double bestSquared = Double.POSITIVE_INFINITY;
        for (int i = 0; i < entries.size(); i++) {
            double squared = entries.get(i).squaredDistance(query, bestSquared);
            if (squared < bestSquared || best < 0) {
                best = i;
                bestSquared = squared;
            }
        }
        return best < 0 ? Optional.empty() : Optional.of(new Nearest(best, (float) Math.sqrt(bestSquared)));
    }

    /** The nearest entry when {@code query} lies within its radius, else null. */
    static CodebookEntry covering(List<CodebookEntry> entries, float[] query) {
        return nearest(entries, query)
                .filter(n -> n.distance() <= entries.get(n.index()).radius())
                .map(n -> entries.get(n.index()))
                .orElse(null);
    }

    /**
     * Places an edit's key by GRACE's rules and returns the entry to train. Far from every entry (beyond
     * its radius plus {@code epsilon}): a new entry. Near an entry with the same label: that entry,
     * its radius grown to cover the key when {@code expandOnSameLabel} (else a new entry). Near an
     * entry with another label: both radii are cut to at most half their distance and a new entry is
     * added; at distance zero the entry is relabelled instead, since no radius could separate them.
     *
     * @param initialValue the value of a new entry, copied into this codebook ({@code [out]})
     */
    synchronized Placement place(
            float[] key, String label, NDArray initialValue, float epsilon, boolean expandOnSameLabel) {
        requireWidth(key.length, keyWidth, "key");
        Optional<Nearest> near = nearest(entries, key);
        if (near.isEmpty()
                || near.get().distance() > entries.get(near.get().index()).radius() + epsilon) {
            return add(key, initialValue, epsilon, label);
        }
        int index = near.get().index();
        float distance = near.get().distance();
        CodebookEntry entry = entries.get(index);
        if (entry.label().equals(label)) {
            if (distance <= entry.radius()) {
                return new Placement(index, Action.REUSED);
            }
            if (!expandOnSameLabel) {
                return add(key, initialValue, epsilon, label);
            }
            set(index, entry.withRadius(distance * (1 + COVER_MARGIN)));
            return new Placement(index, Action.EXPANDED);
        }
        if (distance == 0) {
            set(index, entry.withLabel(label));
            return new Placement(index, Action.RELABELLED);
        }
        float half = distance / 2;
        set(index, entry.withRadius(Math.min(entry.radius(), half)));
        Placement added = add(key, initialValue, Math.min(epsilon, half), label);
        return new Placement(added.index(), Action.SPLIT);
    }

    /** The value of entry {@code index}, to train in place. */
    synchronized NDArray trainable(int index) {
        return entries.get(index).value();
    }

    /** Replaces every entry; the new values must belong to {@link #manager()}. */
    synchronized void replaceAll(List<CodebookEntry> replacement) {
        for (CodebookEntry entry : replacement) {
            requireWidth(entry.key().length, keyWidth, "key");
            requireWidth(entry.value().getShape().size(), valueWidth, "value");
        }
        List<CodebookEntry> old = entries;
        entries = List.copyOf(replacement);
        Set<NDArray> kept = identitySet(entries);
        old.stream().map(CodebookEntry::value).filter(v -> !kept.contains(v)).forEach(NDArray::close);
    }

    /** Frees every value. */
    @Override
    public synchronized void close() {
        entries = List.of();
        manager.close();
    }

    private Placement add(float[] key, NDArray initialValue, float radius, String label) {
        requireWidth(initialValue.getShape().size(), valueWidth, "value");
        NDArray value;
        try (NDArray flat = initialValue.reshape(valueWidth)) {
            value = flat.duplicate();
        }
        value.attach(manager);
        List<CodebookEntry> grown = new ArrayList<>(entries);
        grown.add(new CodebookEntry(key.clone(), value, radius, label));
        entries = Collections.unmodifiableList(grown);
        return new Placement(grown.size() - 1, Action.ADDED);
    }

    private void set(int index, CodebookEntry entry) {
        List<CodebookEntry> changed = new ArrayList<>(entries);
        changed.set(index, entry);
        entries = Collections.unmodifiableList(changed);
    }

    private static void requireWidth(long actual, int expected, String what) {
        if (actual != expected) {
            throw new IllegalArgumentException(what + " has " + actual + " elements, the codebook expects " + expected);
        }
    }

    private static Set<NDArray> identitySet(List<CodebookEntry> entries) {
        Set<NDArray> values = Collections.newSetFromMap(new IdentityHashMap<>());
        entries.forEach(e -> values.add(e.value()));
        return values;
    }
}
