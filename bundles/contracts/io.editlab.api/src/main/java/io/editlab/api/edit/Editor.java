package io.editlab.api.edit;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One method's editor for one session. It may keep state between calls (lifelong editing) and
 * changes nothing but its session's overlays and its own state.
 */
@ConsumerType
public interface Editor extends AutoCloseable {

    /**
     * Applies a batch of edits to the session.
     *
     * @throws EditException when the edit fails; the caller then restores the state saved before
     *     the call (see {@link #state} and {@link #restore})
     */
    EditResult apply(List<EditRequest> batch) throws EditException;

    /** A copy of the editor's own state, allocated in {@code into}. */
    EditorState state(NDManager into);

    /** Replaces the editor's own state with one produced by {@link #state}, possibly saved to disk. */
    void restore(EditorState state) throws EditException;

    /** Releases the editor's resources; the session stays open. */
    @Override
    void close();
}
