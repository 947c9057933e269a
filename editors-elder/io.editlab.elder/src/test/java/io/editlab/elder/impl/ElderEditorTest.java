package io.editlab.elder.impl;

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
import io.editlab.elder.loss.impl.GuidedLoss;
import io.editlab.elder.router.impl.TopKRouter;
import io.editlab.runtime.testing.Configs;
import io.editlab.runtime.testing.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ELDER on a real tiny pretrained model (4 blocks, width 32): the default layout (query at block 1,
 * mixture at blocks 2 and 3, MLP_UP). Four facts are edited once for the whole class in one batch;
 * the other tests open sessions of their own.
 */
class ElderEditorTest {

    /** The learning rate that edits the tiny model in 50 iterations (the paper's 1e-4 is too small here). */
    static final double LEARNING_RATE = 1e-2;
    /** The small preset's 64 LoRAs leave gates of about 1/64, too weak for 50 steps on a model 32 wide. */
    static final int TINY_EXPERTS = 16;

    @TempDir
    static Path dir;

    static TinyModel tiny;
    static List<Completion> facts;
    static List<TargetScore> baseScores;
    static EditSession edited;
    static ElderEditor editor;
    static List<EditRequest> edits;
    static EditResult result;

    @BeforeAll
    static void pretrainAndEdit() throws Exception {
        tiny = TinyModel.pretrain(dir, 4);
        facts = TinyModel.facts();
        baseScores = tiny.model.score(facts);
        edits = new ArrayList<>();
        for (int person = 0; person < 4; person++) {
            String prompt = TinyModel.PEOPLE[person] + " lives in";
            edits.add(EditRequest.of("e" + person, prompt, TinyModel.otherCity(person)));
        }
        edited = tiny.model.openSession("edited");
        editor = (ElderEditor) method().create(edited, Map.of("learningRate", LEARNING_RATE, "experts", TINY_EXPERTS));
        result = editor.apply(edits);
    }

    @AfterAll
    static void close() {
        if (tiny != null) {
            tiny.close();
        }
    }

    static ElderMethod method() {
        return new ElderMethod(Configs.defaults(ElderConfig.class), new TopKRouter(), new GuidedLoss());
    }

    @Test
    void aFreshEditorScoresExactlyLikeTheBaseModel() throws EditException {
        try (EditSession session = tiny.model.openSession("fresh")) {
            Editor fresh = method().create(session, Map.of());
            assertEquals(baseScores, session.score(facts), "B = 0 and no codes: nothing changes");
            fresh.close();
            assertEquals(List.of(), session.adapters(), "closing the editor unhooks its adapters");
        }
    }

    @Test
    void everyEditedPromptAnswersItsNewTarget() {
        assertEquals(4, result.edits());
        assertEquals(4.0, result.stats().get("codes"));
        List<Completion> targets =
                edits.stream().map(e -> new Completion(e.prompt(), e.target())).toList();
        List<TargetScore> scores = edited.score(targets);
        for (int i = 0; i < targets.size(); i++) {
            assertTrue(scores.get(i).exactMatch(), targets.get(i) + ": " + scores.get(i));
            assertFalse(tiny.model.score(List.of(targets.get(i))).get(0).exactMatch(), "the base model disagrees");
        }
    }

    @Test
    void promptsWhoseCodesAreFarFromEveryEditAreDeferred() {
        List<BitSet> codes = editor.codesOf(facts);
        List<TargetScore> scores = edited.score(facts);
        int deferred = 0;
        for (int i = 0; i < facts.size(); i++) {
            if (!editor.applies(codes.get(i))) {
                deferred++;
                assertEquals(baseScores.get(i), scores.get(i), facts.get(i) + " is deferred: base answers");
            }
        }
        assertTrue(deferred > 0, "some unrelated prompt should be far from every edit's code: " + codes);
        for (EditRequest edit : edits) {
            assertTrue(
                    editor.applies(editor.codesOf(List.of(new Completion(edit.prompt(), edit.target())))
                            .get(0)),
                    edit.prompt() + " uses the LoRAs");
        }
    }

    @Test
    void frozenRoutersKeepEveryPromptsCode() throws EditException {
        try (EditSession session = tiny.model.openSession("frozen")) {
            ElderEditor frozen = (ElderEditor) method().create(
                            session,
                            Map.of("learningRate", LEARNING_RATE, "experts", TINY_EXPERTS, "routerLearningRate", 0));
            List<BitSet> before = frozen.codesOf(facts);
            frozen.apply(edits);
            assertEquals(before, frozen.codesOf(facts), "routerLearningRate = 0: the routers did not move");
            frozen.close();
        }
    }

    @Test
    void aSavedStateRestoresTheEdits() throws EditException {
        try (EditSession session = tiny.model.openSession("restored");
                NDManager manager = NDManager.newBaseManager()) {
            EditorState state = editor.state(manager);
            Editor copy = method().create(session, Map.of("experts", TINY_EXPERTS));
            copy.restore(state);
            assertEquals(edited.score(facts), session.score(facts));
            copy.close();
        }
    }

    @Test
    void editsInTwoCallsBothHold() throws EditException {
        try (EditSession session = tiny.model.openSession("lifelong")) {
            Editor lifelong = method().create(session, Map.of("learningRate", LEARNING_RATE, "experts", TINY_EXPERTS));
            lifelong.apply(edits.subList(0, 2));
            EditResult later = lifelong.apply(edits.subList(2, 4));
            assertEquals(4.0, later.stats().get("codes"));
            List<Completion> targets = edits.stream()
                    .map(e -> new Completion(e.prompt(), e.target()))
                    .toList();
            assertTrue(session.score(targets).stream().allMatch(TargetScore::exactMatch), "the first batch survives");
        }
    }

    @Test
    void theQueryCanBeReadAtTheFirstMixtureModuleItself() throws EditException {
        try (EditSession session = tiny.model.openSession("same-module")) {
            Map<String, Object> config = Map.of(
                    "learningRate",
                    LEARNING_RATE,
                    "firstLayer",
                    0,
                    "queryLayer",
                    0,
                    "layers",
                    4,
                    "experts",
                    TINY_EXPERTS);
            ElderSettings settings = ElderSettings.resolve(
                    new ElderMethod(Configs.defaults(ElderConfig.class)).options(config), tiny.model);
            assertEquals(settings.mixtureModules().get(0), settings.queryModule());
            Editor sameModule = method().create(session, config);
            assertEquals(baseScores, session.score(facts), "a fresh editor changes nothing");
            sameModule.apply(edits);
            List<Completion> targets = edits.stream()
                    .map(e -> new Completion(e.prompt(), e.target()))
                    .toList();
            assertTrue(session.score(targets).stream().allMatch(TargetScore::exactMatch), "every edit holds");
        }
    }

    @Test
    void aDivergingBatchFailsAndLeavesTheEditorAsItWas() throws EditException {
        try (EditSession session = tiny.model.openSession("diverging")) {
            Editor diverging = method().create(session, Map.of("learningRate", 1e30));
            EditException error = assertThrows(EditException.class, () -> diverging.applyAtomically(session, edits));
            assertTrue(error.getMessage().contains("loss"), error.getMessage());
            assertEquals(baseScores, session.score(facts), "parameters restored by the session's transaction");
            assertEquals(0.0, diverging.apply(List.of()).stats().get("codes"), "no codes recorded");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "firstLayer, 3",
        "firstLayer, -2",
        "queryLayer, 3",
        "queryLayer, -2",
        "layers, 5",
        "experts, 0",
        "topK, 65",
        "rank, x",
        "gamma, 0",
        "threshold, -2",
        "module, BLOCK",
        "learningRate, -2",
        "routerLearningRate, -0.5",
        "preset, gpt-5",
        "iterations, 0",
        "routerBias, maybe",
        "colour, red"
    })
    void badOverridesNameTheKey(String key, String value) {
        try (EditSession session = tiny.model.openSession("bad")) {
            EditException error = assertThrows(EditException.class, () -> method().create(session, Map.of(key, value)));
            assertTrue(error.getMessage().contains(key), error.getMessage());
            assertEquals(List.of(), session.adapters());
        }
    }

    @Test
    void theDefaultsResolveToTheSmallPresetOnASmallModel() throws EditException {
        ElderSettings settings = ElderSettings.resolve(
                new ElderMethod(Configs.defaults(ElderConfig.class)).options(Map.of()), tiny.model);
        assertEquals(2, settings.firstLayer());
        assertEquals(
                List.of(tiny.model.module(2, ModuleRole.MLP_DOWN), tiny.model.module(3, ModuleRole.MLP_DOWN)),
                settings.mixtureModules());
        assertEquals(settings.mixtureModules().get(0), settings.queryModule(), "small preset: query at the first");
        assertEquals(1, settings.threshold(), "small preset: exact code match");
        assertArrayEquals(new int[] {2, 64, 8}, new int[] {settings.layers(), settings.experts(), settings.rank()});
        assertEquals(1e-2f, settings.learningRate());
        assertEquals(1e-4f, settings.routerLearningRate());
    }

    @Test
    void thePapersPresetsAskForThePapersModels() {
        EditException error = assertThrows(
                EditException.class,
                () -> ElderSettings.resolve(
                        new ElderMethod(Configs.defaults(ElderConfig.class)).options(Map.of("preset", "gpt2-xl")),
                        tiny.model));
        assertTrue(error.getMessage().contains("firstLayer"), error.getMessage());
        ElderPreset llama = ElderPreset.named("llama-2-7b", tiny.model).orElseThrow();
        assertEquals(List.of(21, 6, -1), List.of(llama.firstLayer(), llama.layers(), llama.queryOffset()));
        assertEquals(ModuleRole.MLP_DOWN, llama.module());
        assertEquals(ElderPreset.SMALL, ElderPreset.named("auto", tiny.model).orElseThrow());
        assertTrue(ElderPreset.named("gpt-5", tiny.model).isEmpty());
    }

    @Test
    void theTrainableParameterCountIsLoRAsPlusRouters() throws EditException {
        try (EditSession session = tiny.model.openSession("count")) {
            ElderEditor counted = (ElderEditor) method().create(
                            session,
                            Map.of("module", "MLP_UP", "experts", 4, "layers", 2, "firstLayer", 2, "queryLayer", 1));
            int in = 32;
            int out = 4 * 32;
            assertEquals(
                    2L * (4 * (in * 8 + 8 * out) + 4 * in),
                    counted.trainableParameters(),
                    "L * (N * (in * r + r * out) + N * d_q): GPT-2 XL's c_fc layout gives 1,574,400 this way");
            assertEquals(
                    counted.trainableParameters(),
                    counted.apply(List.of()).stats().get("trainable_parameters"));
        }
    }
}
