package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.editlab.api.model.AdapterRegistration;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.SessionTransaction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionTest {

    private static final String FC = "transformer.h.0.mlp.c_fc.weight";
    private static final String PROJ = "transformer.h.1.mlp.c_proj.weight";

    @TempDir
    Path dir;

    DjlRuntime runtime;
    NDManager scratch;
    EditSession session;

    @BeforeEach
    void start() throws Exception {
        runtime = DjlRuntime.standalone("auto");
        scratch = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager();
        JsonObject config = TinyCheckpoints.gpt2Config(2, 8, 11, 16);
        Path folder = TinyCheckpoints.write(dir.resolve("m"), config, TinyCheckpoints.randomTensors(config, scratch));
        session = runtime.load("tiny", folder).openSession("s");
    }

    @AfterEach
    void stop() {
        scratch.close();
        runtime.deactivate();
    }

    @Test
    void rollbackRestoresDeltasInPlaceDropsNewOnesAndUnhooksNewAdapters() {
        NDArray delta = session.delta(FC);
        delta.addi(1f);
        AdapterRegistration kept = session.addAdapter("transformer.h.0.mlp", (c, in, out) -> out);
        float[] before = delta.toFloatArray();
        List<String> undone = new ArrayList<>();
        try (SessionTransaction transaction = session.begin()) {
            transaction.onRollback(() -> undone.add("first"));
            transaction.onRollback(() -> undone.add("second"));
            delta.muli(3f);
            session.delta(PROJ).addi(2f);
            session.addAdapter("transformer.h.1.mlp", (c, in, out) -> out);
            kept.close();
        }
        assertArrayEquals(before, delta.toFloatArray(), "the delta is restored in place");
        assertSame(delta, session.deltas().get(FC), "references to the delta stay valid");
        assertEquals(List.of(FC), List.copyOf(session.deltas().keySet()), "the delta made since is dropped");
        assertEquals(List.of(kept), session.adapters(), "the adapter added since is unhooked, the removed one back");
        assertEquals(List.of("second", "first"), undone, "undo actions run last registered first");
    }

    @Test
    void commitKeepsTheChangesAndFreesTheCheckpoint() {
        session.delta(FC).addi(1f);
        SessionTransaction transaction = session.begin();
        NDManager checkpoint = transaction.manager();
        transaction.onRollback(() -> {
            throw new AssertionError("a committed transaction does not undo");
        });
        session.delta(FC).addi(1f);
        transaction.commit();
        transaction.close();
        assertEquals(2f * 8 * 32, session.delta(FC).sum().getFloat(), 1e-3);
        assertTrue(!checkpoint.isOpen(), "the checkpoint's copies are freed");
        assertThrows(IllegalStateException.class, transaction::commit, "an ended transaction refuses more");
        session.begin().close(); // the session accepts a new one
    }

    @Test
    void oneTransactionAtATimeAndAFailingUndoIsReportedAfterTheOthersRan() {
        SessionTransaction transaction = session.begin();
        assertThrows(IllegalStateException.class, session::begin);
        List<String> undone = new ArrayList<>();
        transaction.onRollback(() -> undone.add("restored anyway"));
        transaction.onRollback(() -> {
            throw new java.io.IOException("disk gone");
        });
        session.delta(PROJ).addi(1f);
        SessionTransaction.RollbackFailedException failure =
                assertThrows(SessionTransaction.RollbackFailedException.class, transaction::rollback);
        assertTrue(failure.getMessage().contains("disk gone"), failure.getMessage());
        assertEquals(List.of("restored anyway"), undone);
        assertTrue(session.deltas().isEmpty(), "the overlays are restored even so");
        session.begin().commit();
    }

    @Test
    void aTransactionOfAClosedSessionEndsQuietly() {
        SessionTransaction transaction = session.begin();
        session.close();
        transaction.close();
        assertThrows(IllegalStateException.class, transaction::commit);
    }
}
