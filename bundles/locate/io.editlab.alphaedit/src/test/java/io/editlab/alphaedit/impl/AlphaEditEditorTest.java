package io.editlab.alphaedit.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.editlab.api.data.KnowledgeCorpus;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.runtime.testing.Configs;
import io.editlab.runtime.testing.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AlphaEdit on a real tiny pretrained model: edits take, and the rule remembers what it edited. */
class AlphaEditEditorTest {

    @TempDir
    static Path dir;

    static TinyModel tiny;
    static List<EditRequest> edits;

    @BeforeAll
    static void pretrain() throws Exception {
        tiny = TinyModel.pretrain(dir, 2);
        edits = new ArrayList<>();
        for (int person = 0; person < 4; person++) {
            edits.add(new EditRequest(
                    "e" + person,
                    TinyModel.PEOPLE[person] + " lives in",
                    TinyModel.otherCity(person),
                    TinyModel.PEOPLE[person],
                    TinyModel.city(person),
                    List.of(),
                    List.of(),
                    List.of()));
        }
    }

    @AfterAll
    static void close() {
        if (tiny != null) {
            tiny.close();
        }
    }

    static AlphaEditMethod method() {
        return new AlphaEditMethod(
                Configs.of(
                        AlphaEditConfig.class,
                        Map.of(
                                "cache",
                                dir.resolve("keystats").toString(),
                                "corpus",
                                "tiny",
                                "nullSpaceThreshold",
                                2.0,
                                "l2",
                                0.1)),
                List.of(Map.entry(Map.of(KnowledgeCorpus.NAME, "tiny"), TinyModel.corpus())));
    }

    @Test
    void editsTakeAndTheirKeysAreRememberedAcrossSaveAndRestore() throws Exception {
        try (EditSession session = tiny.model.openSession("edited");
                NDManager scratch = session.manager().newSubManager()) {
            Editor editor = method().create(session, Map.of());
            NDArray before = editor.state(scratch).tensors().get("alphaedit.previous.0");
            assertEquals(0, before.abs().sum().getDouble(), "nothing edited yet");
            EditResult result = editor.apply(edits.subList(0, 2));
            int took = 0;
            for (EditRequest edit : edits.subList(0, 2)) {
                took += session.score(List.of(new Completion(edit.prompt(), edit.target())))
                                .get(0)
                                .exactMatch()
                        ? 1
                        : 0;
            }
            assertEquals(2, took, "both edits take: " + result.stats());
            EditorState state = editor.state(scratch);
            NDArray remembered = state.tensors().get("alphaedit.previous.0");
            assertTrue(remembered.abs().sum().getDouble() > 0, "the edited keys are remembered");

            try (EditSession other = tiny.model.openSession("other")) {
                Editor restored = method().create(other, Map.of());
                restored.restore(state);
                assertEquals(remembered, restored.state(scratch).tensors().get("alphaedit.previous.0"));
            }
        }
    }

    @Test
    void aStateOfAnotherShapeIsRefused() throws Exception {
        try (EditSession session = tiny.model.openSession("shape");
                NDManager scratch = session.manager().newSubManager()) {
            Editor editor = method().create(session, Map.of());
            EditorState wrong = new EditorState(
                    Map.of("alphaedit.previous.0", scratch.zeros(new ai.djl.ndarray.types.Shape(3, 3))),
                    editor.state(scratch).metadata());
            EditException error = assertThrows(EditException.class, () -> editor.restore(wrong));
            assertTrue(error.getMessage().contains("alphaedit.previous.0 of shape"), error.getMessage());
            EditException l2 = assertThrows(EditException.class, () -> method().create(session, Map.of("l2", 0)));
            assertTrue(l2.getMessage().startsWith("alphaedit: l2 must be"), l2.getMessage());
        }
    }
}
