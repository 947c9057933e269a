package io.editlab.locate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditorState;
import io.editlab.keystats.KeyStatistics;
import java.util.List;
import java.util.Map;

/**
 * One method's weight update, given the keys and residuals {@link LocateEditor} computed for one edited
 * layer (see {@link ClosedForms}). A rule may remember what it has edited (AlphaEdit keeps the
 * earlier edits' keys); that memory is its state, saved with the editor's.
 */
public interface UpdateRule {

    /** Makes a method's rule for one editor. */
    @FunctionalInterface
    interface Factory {

        /**
         * @param moments the key statistics of each edited layer, in the order of {@link
         *     LocateSettings#layers()}
         * @param manager where the rule allocates its arrays now; it is capped once the rule is made, so
         *     later they may only change in place (and {@link ClosedForms} allocates nothing there)
         */
        UpdateRule create(List<KeyStatistics.Stats> moments, NDManager manager) throws EditException;
    }

    /**
     * The update of the {@code index}-th edited layer's MLP output projection, {@code [out, in]}
     * float64, in the operands' manager.
     *
     * @param keys {@code [n, in]} float64
     * @param residuals {@code [n, out]} float64: what this layer's output should gain at each key
     */
    NDArray update(int index, NDArray keys, NDArray residuals);

    /** True when requests are edited one at a time, each on the model the previous one left (ROME). */
    default boolean oneAtATime() {
        return false;
    }

    /** True when the rule wants {@link #remember} called after each group of requests. */
    default boolean remembers() {
        return false;
    }

    /** The keys of the requests just edited, read on the edited model, for the {@code index}-th layer. */
    default void remember(int index, NDArray keys) {}

    /** The rule's memory, copied into {@code into}. */
    default Map<String, NDArray> state(NDManager into) {
        return Map.of();
    }

    /** Replaces the rule's memory with the one in {@code state}. */
    default void restore(EditorState state) throws EditException {}
}
