package io.editlab.ftl.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.runtime.impl.DjlRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ft} (LocFT-BF's fine-tuning) on a real tiny GPT-2, pretrained once for the class. */
class FtEditorTest {

    /**
     * Block 0, a larger step and more passes, as the tiny model needs (see the README); everything
     * else LocFT-BF's (one mini-batch of up to 100, so one Adam step a pass).
     */
    static final Map<String, Object> EDITS = Map.of("layer", 0, "learningRate", 1e-2, "steps", 60);

    @TempDir
    static Path dir;

    static DjlRuntime runtime;
    static ModelHandle model;
    static FtMethod method;

    @BeforeAll
    static void pretrain() throws Exception {
        runtime = DjlRuntime.standalone("cpu");
        TinyModel.pretrain(runtime, dir.resolve("tiny"));
        model = runtime.load("tiny", dir.resolve("tiny"));
        method = new FtMethod(TinyModel.ftConfig(Map.of()));
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void defaultsAreLocFtBfs() throws Exception {
        try (EditSession session = model.openSession("defaults");
                Editor editor = method.create(session, Map.of())) {
            EditResult result = editor.apply(TinyModel.moves(0, 2));
            // the block at 70% of the depth: block 1 of the tiny model's 2
            assertEquals(Set.of(model.module(1, ModuleRole.MLP_DOWN) + ".weight"), result.touched());
            assertEquals(
                    0.0, result.stats().get("end_of_text"), "the tiny model's vocabulary has no end-of-text token");
            assertEquals(2.0, result.stats().get("trained_on"));
        }
    }

    @Test
    void everyCallTrainsOnEveryEditSoFarSoEarlierEditsStay() throws Exception {
        List<EditRequest> first = TinyModel.moves(0, 4);
        List<EditRequest> second = TinyModel.recolours(0, 4);
        try (EditSession session = model.openSession("breadth-first");
                Editor editor = method.create(session, EDITS)) {
            editor.apply(first);
            EditResult result = editor.apply(second);

            assertEquals(8.0, result.stats().get("trained_on"), "the second call trains on both batches");
            assertEquals(4, result.edits(), "but reports its own requests as its edits");
            assertEquals(1.0, TinyModel.exactMatch(session, second));
            assertEquals(1.0, TinyModel.exactMatch(session, first), "the first batch is still edited");
        }
    }

    @Test
    void theStateCarriesTheEditsSoFar() throws Exception {
        try (EditSession session = model.openSession("saved");
                Editor editor = method.create(session, EDITS);
                NDManager saved = session.manager().newSubManager()) {
            editor.apply(TinyModel.moves(0, 4));
            EditorState state = editor.state(saved);
            try (EditSession copy = model.openSession("copy");
                    Editor restored = method.create(copy, EDITS)) {
                restored.restore(state);
                assertEquals(
                        8.0, restored.apply(TinyModel.recolours(0, 4)).stats().get("trained_on"));
                assertEquals(1.0, TinyModel.exactMatch(copy, TinyModel.moves(0, 4)));
            }
            try (Editor onlyBatches = method.create(session, Map.of("layer", 0, "scope", "batch"));
                    Editor everyEdit = method.create(session, EDITS)) {
                EditorState batchState = onlyBatches.state(saved);
                EditException e = assertThrows(EditException.class, () -> everyEdit.restore(batchState));
                assertTrue(e.getMessage().startsWith("ft: the state has no ftl.edits"), e.getMessage());
            }
        }
    }

    @Test
    void aBadScopeIsRefusedNamingIt() {
        try (EditSession session = model.openSession("bad")) {
            EditException e = assertThrows(EditException.class, () -> method.create(session, Map.of("scope", "some")));
            assertTrue(e.getMessage().startsWith("ft: ") && e.getMessage().contains("scope"), e.getMessage());
        }
    }
}
