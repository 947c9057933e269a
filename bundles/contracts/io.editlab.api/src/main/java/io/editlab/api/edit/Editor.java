package io.editlab.api.edit;

import ai.djl.ndarray.NDManager;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.SessionTransaction;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One method's editor for one session. It may keep state between calls (lifelong editing) and
 * changes nothing but its session's overlays and its own state.
 */
@ConsumerType
public interface Editor extends AutoCloseable {

    /**
     * Applies a batch of edits to the session. An editor does not undo its own changes when it
     * fails: callers that must keep the session as it was run the call in a transaction, as {@link
     * #applyAtomically} does.
     *
     * @throws EditException when the edit fails
     */
    EditResult apply(List<EditRequest> batch) throws EditException;

    /**
     * Applies a batch in a transaction of {@code session} (the one this editor was created for):
     * when {@link #apply} fails, the session's overlays and this editor's {@linkplain #state state}
     * are put back as they were before the call and the failure is rethrown.
     *
     * @throws EditException the editor's failure, after the rollback
     * @throws SessionTransaction.RollbackFailedException when the rollback itself failed (the
     *     editor's failure is its cause); the session should then be closed or reloaded
     */
    default EditResult applyAtomically(EditSession session, List<EditRequest> batch) throws EditException {
        SessionTransaction transaction = session.begin();
        try {
            EditorState before = state(transaction.manager());
            transaction.onRollback(() -> restore(before));
            EditResult result = apply(batch);
            transaction.commit();
            return result;
        } catch (EditException | RuntimeException | Error failure) {
            try {
                transaction.rollback();
            } catch (SessionTransaction.RollbackFailedException broken) {
                broken.addSuppressed(failure);
                throw broken;
            }
            throw failure;
        } finally {
            transaction.close();
        }
    }

    /** A copy of the editor's own state, allocated in {@code into}. */
    EditorState state(NDManager into);

    /** Replaces the editor's own state with one produced by {@link #state}, possibly saved to disk. */
    void restore(EditorState state) throws EditException;

    /** Releases the editor's resources (by default it holds none); the session stays open. */
    @Override
    default void close() {}
}
