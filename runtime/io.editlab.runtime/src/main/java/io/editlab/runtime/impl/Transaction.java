package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.SessionTransaction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A session's checkpoint: copies of its deltas and its adapter list, plus the undo actions of its users. */
final class Transaction implements SessionTransaction {

    private static final NDIndex ALL = new NDIndex("...");

    private final Session session;
    private final NDManager manager;
    private final Map<String, NDArray> deltas = new LinkedHashMap<>();
    private final List<AdapterRegistration> adapters;
    private final List<Undo> undos = new ArrayList<>();
    private boolean ended;

    Transaction(Session session, NDManager manager) {
        this.session = session;
        this.manager = manager;
        session.deltas().forEach((parameter, delta) -> {
            NDArray copy = delta.duplicate();
            copy.attach(manager);
            deltas.put(parameter, copy);
        });
        this.adapters = session.adapters();
    }

    @Override
    public EditSession session() {
        return session;
    }

    @Override
    public synchronized NDManager manager() {
        requireOpen();
        return manager;
    }

    @Override
    public synchronized void onRollback(Undo undo) {
        requireOpen();
        undos.add(undo);
    }

    @Override
    public synchronized void commit() {
        requireOpen();
        end();
    }

    @Override
    public synchronized void rollback() {
        requireOpen();
        if (session.isClosed()) { // its overlays and this checkpoint are gone with it
            ended = true;
            return;
        }
        RuntimeException failed = null;
        try {
            for (String parameter : session.deltas().keySet()) {
                if (!deltas.containsKey(parameter)) {
                    session.removeDelta(parameter);
                }
            }
            deltas.forEach((parameter, copy) -> session.delta(parameter).set(ALL, copy));
            session.resetAdapters(adapters);
        } catch (RuntimeException e) {
            failed = new RollbackFailedException(session + ": the overlays could not be restored", e);
        }
        for (int i = undos.size() - 1; i >= 0; i--) {
            try {
                undos.get(i).undo();
            } catch (Exception e) {
                if (failed == null) {
                    failed = new RollbackFailedException(
                            session + ": state registered with the transaction could not" + " be restored ("
                                    + e.getMessage() + ")",
                            e);
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        end();
        if (failed != null) {
            throw failed;
        }
    }

    @Override
    public synchronized void close() {
        if (!ended) {
            rollback();
        }
    }

    private void end() {
        ended = true;
        manager.close();
        session.ended(this);
    }

    private void requireOpen() {
        if (ended) {
            throw new IllegalStateException("this transaction of " + session + " has ended");
        }
    }
}
