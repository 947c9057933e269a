package io.editlab.api.model;

import ai.djl.ndarray.NDManager;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A checkpoint of one session, taken by {@link EditSession#begin()}: the values of its deltas and
 * the list of its adapters, plus whatever state its users {@linkplain #onRollback register}
 * (typically an editor's own). {@link #commit()} keeps every change made since; {@link #rollback()}
 * and {@link #close()} without a commit put the session back as it was at {@code begin}.
 *
 * <p>Rollback restores deltas in place (references to a delta stay valid), drops deltas created
 * since, and un-hooks adapters added since; then it runs the registered undo actions, last
 * registered first. The checkpoint's tensors live in {@link #manager()}, which the transaction
 * closes when it ends.
 */
@ProviderType
public interface SessionTransaction extends AutoCloseable {

    /** Restores a piece of state outside the session's overlays. */
    @FunctionalInterface
    interface Undo {
        void undo() throws Exception;
    }

    /** Thrown by {@link #rollback()} when an undo action or a restore failed: the session is in no known state. */
    final class RollbackFailedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        public RollbackFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The session this transaction checkpoints. */
    EditSession session();

    /** Where checkpoint copies are allocated; closed when the transaction ends. */
    NDManager manager();

    /**
     * Registers state to restore on rollback, after the session's overlays.
     *
     * @throws IllegalStateException when the transaction has ended
     */
    void onRollback(Undo undo);

    /** Keeps the changes and ends the transaction. */
    void commit();

    /**
     * Puts the session back as it was at {@code begin} and ends the transaction.
     *
     * @throws RollbackFailedException when some state could not be restored (the others were)
     */
    void rollback();

    /** Rolls back unless committed or rolled back already. */
    @Override
    void close();
}
