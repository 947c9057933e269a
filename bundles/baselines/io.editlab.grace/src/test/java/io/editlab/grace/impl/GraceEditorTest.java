package io.editlab.grace.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.TargetScore;
import io.editlab.editkit.StateLists;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * GRACE on a real tiny pretrained model. Four facts are edited once for the whole class, in two
 * apply calls (lifelong use); the other tests open sessions of their own.
 */
class GraceEditorTest {

    @TempDir
    static Path dir;

    static TinyModel tiny;
    static List<Completion> facts;
    static List<TargetScore> baseScores;
    /** Overrides that keep every entry's radius below the distance between any two fact prompts. */
    static Map<String, Object> overrides;

    static EditSession edited;
    static Editor editor;
    static List<EditRequest> edits;
    static EditResult first;
    static EditResult second;

    @BeforeAll
    static void pretrainAndEdit() throws Exception {
        tiny = TinyModel.pretrain(dir, 2);
        facts = TinyModel.facts();
        baseScores = tiny.model.score(facts);
        String module = tiny.model.module(tiny.model.layers() * 2 / 3, ModuleRole.MLP_DOWN);
        float apart = KeyProbe.minimumDistance(KeyProbe.keys(tiny.model, module, facts));
        overrides = Map.of("epsilon", apart / 4);

        edits = new ArrayList<>();
        for (int person = 0; person < 4; person++) {
            String prompt = TinyModel.PEOPLE[person] + " lives in";
            edits.add(EditRequest.of("e" + person, prompt, TinyModel.otherCity(person)));
        }
        edited = tiny.model.openSession("edited");
        editor = method().create(edited, overrides);
        first = editor.apply(edits.subList(0, 2));
        second = editor.apply(edits.subList(2, 4));
    }

    @AfterAll
    static void close() {
        if (tiny != null) {
            tiny.close();
        }
    }

    static GraceMethod method() {
        return new GraceMethod(Configs.defaults(GraceConfig.class));
    }

    @Test
    void aFreshEditorChangesNothingAndAnEditChangesNothingFarFromItsKey() throws EditException {
        try (EditSession session = tiny.model.openSession("fresh")) {
            Editor fresh = method().create(session, Map.of("epsilon", overrides.get("epsilon"), "steps", 20));
            assertEquals(baseScores, session.score(facts), "nothing is in the codebook yet");

            fresh.apply(List.of(EditRequest.of("e", facts.get(0).prompt(), TinyModel.otherCity(0))));
            List<TargetScore> others = session.score(facts.subList(1, facts.size()));
            assertEquals(baseScores.subList(1, facts.size()), others, "every other prompt's key is outside the radius");
            fresh.close();
            assertEquals(baseScores, session.score(facts), "closing the editor unhooks its adapter");
        }
    }

    @Test
    void everyEditedPromptAnswersItsNewTarget() {
        List<Completion> targets =
                edits.stream().map(e -> new Completion(e.prompt(), e.target())).toList();
        List<TargetScore> scores = edited.score(targets);
        for (int i = 0; i < targets.size(); i++) {
            assertTrue(scores.get(i).exactMatch(), targets.get(i) + ": " + scores.get(i));
            assertFalse(tiny.model.score(List.of(targets.get(i))).get(0).exactMatch(), "the base model disagrees");
        }
        assertEquals("Lima", TinyModel.otherCity(0));
        assertEquals(
                "Lima",
                edited.generate(List.of(edits.get(0).prompt()), 1).get(0).text().strip());
    }

    @Test
    void unrelatedPromptsKeepTheBaseModelsAnswersInTheSameBatch() {
        List<TargetScore> scores = edited.score(facts); // edited and unrelated prompts in one batch
        for (int i = 0; i < facts.size(); i++) {
            String prompt = facts.get(i).prompt();
            if (edits.stream().noneMatch(e -> e.prompt().equals(prompt))) {
                assertArrayEquals(
                        baseScores.get(i).predictedIds(), scores.get(i).predictedIds(), prompt);
            }
        }
    }

    @Test
    void repeatedCallsGrowTheCodebook() {
        assertEquals(2, first.edits());
        assertEquals(2.0, first.stats().get("codebook"));
        assertEquals(4.0, second.stats().get("codebook"));
        Completion last = new Completion(edits.get(3).prompt(), edits.get(3).target());
        double baseLoss = -tiny.model.score(List.of(last)).get(0).meanLogProb();
        assertTrue(second.stats().get("final_loss") < Math.min(1, baseLoss), "trained: " + second.stats());
        assertTrue(second.stats().get(EditResult.STEP_SECONDS) > 0, "the mean step time is reported");
        assertEquals(List.of(tiny.model.module(1, ModuleRole.MLP_DOWN)), List.copyOf(second.touched()));
        assertTrue(second.nanos() > 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"last", "from-query"})
    void otherReplacementsEditToo(String replacement) throws EditException {
        try (EditSession session = tiny.model.openSession(replacement)) {
            Editor grace =
                    method().create(session, Map.of("epsilon", overrides.get("epsilon"), "replacement", replacement));
            grace.apply(List.of(edits.get(0)));
            List<TargetScore> scores = session.score(facts);
            assertTrue(session.score(List.of(
                            new Completion(edits.get(0).prompt(), edits.get(0).target())))
                    .get(0)
                    .exactMatch());
            assertEquals(baseScores.subList(1, facts.size()), scores.subList(1, facts.size()));
        }
    }

    @Test
    void reEditingAPromptReusesItsEntryWhateverTheTarget() throws EditException {
        try (EditSession session = tiny.model.openSession("again")) {
            Editor grace = method().create(session, Map.of("epsilon", overrides.get("epsilon"), "steps", 40));
            EditRequest lima = EditRequest.of("a", "Ana lives in", "Lima");
            grace.apply(List.of(lima));
            assertEquals(1.0, grace.apply(List.of(lima)).stats().get("codebook"), "same label: reused");
            EditRequest kyiv = EditRequest.of("b", "Ana lives in", "Kyiv");
            assertEquals(1.0, grace.apply(List.of(kyiv)).stats().get("codebook"), "same key: relabelled");
            assertTrue(session.score(List.of(new Completion("Ana lives in", "Kyiv")))
                    .get(0)
                    .exactMatch());
        }
    }

    @Test
    void scoringAndEditingLeaveNothingBehindButTheValues() throws EditException {
        try (EditSession session = tiny.model.openSession("leaks")) {
            Editor grace = method().create(session, Map.of("epsilon", overrides.get("epsilon"), "steps", 10));
            grace.apply(List.of(edits.get(0)));
            int arrays = session.manager().getManagedArrays().size();
            session.score(facts);
            session.generate(List.of(edits.get(0).prompt(), facts.get(1).prompt()), 2);
            grace.apply(List.of(edits.get(0)));
            assertEquals(arrays, session.manager().getManagedArrays().size(), "a re-trained value replaces the old");
            grace.apply(List.of(edits.get(1)));
            assertEquals(arrays + 1, session.manager().getManagedArrays().size(), "one more value");
            grace.close();
            assertEquals(arrays - 1, session.manager().getManagedArrays().size(), "only the session's own arrays");
        }
    }

    @Test
    void aRestoredStateAnswersLikeTheEditorItCameFrom() throws EditException {
        try (NDManager manager = edited.manager().newSubManager();
                EditSession copy = tiny.model.openSession("copy");
                EditSession empty = tiny.model.openSession("empty")) {
            EditorState state = editor.state(manager);
            assertEquals(
                    List.of(4L, 128L),
                    List.of(
                            state.tensors().get("keys").getShape().getShape()[0],
                            state.tensors().get("keys").getShape().getShape()[1]));
            assertEquals(edits.stream().map(EditRequest::target).toList(), StateLists.read(state.metadata(), "labels"));
            Editor restored = method().create(copy, overrides);
            restored.restore(state);
            assertEquals(edited.score(facts), copy.score(facts));
            restored.restore(method().create(empty, overrides).state(manager));
            assertEquals(baseScores, copy.score(facts), "restoring an empty codebook undoes every edit");
        }
    }

    @Test
    void aDivergingEditIsRefusedAndLeavesNothingBehind() throws EditException {
        try (EditSession session = tiny.model.openSession("diverging");
                NDManager manager = session.manager().newSubManager()) {
            Editor diverging = method().create(
                            session, Map.of("epsilon", overrides.get("epsilon"), "steps", 5, "learningRate", 1e30));
            EditException error =
                    assertThrows(EditException.class, () -> diverging.applyAtomically(session, List.of(edits.get(0))));
            assertTrue(error.getMessage().contains("gave a loss of"), error.getMessage());
            assertEquals(
                    0,
                    diverging.state(manager).tensors().get("radii").getShape().get(0));
            assertEquals(baseScores, session.score(facts));
        }
    }

    @Test
    void aFailingRequestUndoesTheEarlierOnesOfItsCall() throws EditException {
        try (EditSession session = tiny.model.openSession("failing")) {
            Editor grace = method().create(session, Map.of("epsilon", overrides.get("epsilon"), "steps", 10));
            grace.apply(List.of(edits.get(0)));
            List<TargetScore> before = session.score(facts);
            EditRequest tooLong = EditRequest.of("long", "Ana ".repeat(500) + "lives in", "Lima");
            EditException error = assertThrows(
                    EditException.class, () -> grace.applyAtomically(session, List.of(edits.get(1), tooLong)));
            assertTrue(error.getMessage().contains("'long'"), error.getMessage());
            assertEquals(before, session.score(facts), "the first request of the failed call is undone too");
            assertEquals(2.0, grace.apply(List.of(edits.get(1))).stats().get("codebook"));
        }
    }

    @Test
    void badConfigurationIsRefusedNamingTheKey() {
        try (EditSession session = tiny.model.openSession("config")) {
            Map<String, Object> bad = Map.of(
                    "epsilon",
                    -1,
                    "learningRate",
                    "fast",
                    "steps",
                    0,
                    "layer",
                    2,
                    "module",
                    "BLOCK",
                    "replacement",
                    "first",
                    "expandOnSameLabel",
                    "maybe",
                    "radius",
                    1);
            for (Map.Entry<String, Object> entry : bad.entrySet()) {
                EditException error = assertThrows(
                        EditException.class,
                        () -> method().create(session, Map.of(entry.getKey(), entry.getValue())),
                        entry.toString());
                assertTrue(error.getMessage().contains(entry.getKey()), error.getMessage());
            }
            assertTrue(session.adapters().isEmpty(), "no adapter is left behind by a refused configuration");
        }
    }

    @Test
    void aStateFromAnotherModuleIsRefused() throws EditException {
        try (NDManager manager = edited.manager().newSubManager();
                EditSession other = tiny.model.openSession("l0")) {
            Editor atLayerZero = method().create(other, Map.of("layer", 0));
            EditException error = assertThrows(EditException.class, () -> atLayerZero.restore(editor.state(manager)));
            assertTrue(error.getMessage().contains("module"), error.getMessage());
        }
    }
}
