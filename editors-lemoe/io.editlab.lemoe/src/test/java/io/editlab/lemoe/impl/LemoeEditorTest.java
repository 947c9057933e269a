package io.editlab.lemoe.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import io.editlab.lemoe.router.impl.KvAnchorRouter;
import io.editlab.runtime.testing.Configs;
import io.editlab.runtime.testing.TinyModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LEMoE on a real tiny pretrained model (4 blocks, width 32; mixture at block 2). Eight facts are
 * edited once for the whole class in two batches (two experts); the other tests open sessions of
 * their own.
 */
class LemoeEditorTest {

    @TempDir
    static Path dir;

    static TinyModel tiny;
    static List<Completion> facts;
    static List<TargetScore> baseScores;
    static EditSession edited;
    static LemoeEditor editor;
    static List<List<EditRequest>> batches;
    static List<EditResult> results = new ArrayList<>();
    /** Each edit prompt with the top-1 expert of its last training pass. */
    static Map<String, Integer> trainingRoutes = new HashMap<>();
    /** The first expert's parameters right after its own batch. */
    static Map<String, float[]> firstExpertAfterItsBatch = new LinkedHashMap<>();

    static float firstThreshold;

    @BeforeAll
    static void pretrainAndEdit() throws Exception {
        tiny = TinyModel.pretrain(dir, 4);
        facts = TinyModel.facts();
        baseScores = tiny.model.score(facts);
        List<EditRequest> first = new ArrayList<>();
        for (int person = 0; person < 4; person++) {
            first.add(cityEdit(person));
        }
        List<EditRequest> second = List.of(cityEdit(4), cityEdit(5), colourEdit(0), colourEdit(1));
        batches = List.of(first, second);
        edited = tiny.model.openSession("edited");
        editor = (LemoeEditor) method().create(edited, Map.of());
        results.add(editor.apply(first));
        trainingRoutes.putAll(editor.lastTrainingRoutes());
        editor.experts()
                .get(0)
                .parts()
                .forEach((name, array) -> firstExpertAfterItsBatch.put(name, array.toFloatArray()));
        firstThreshold = editor.experts().get(0).threshold();
        results.add(editor.apply(second));
        trainingRoutes.putAll(editor.lastTrainingRoutes());
    }

    @AfterAll
    static void close() {
        if (tiny != null) {
            tiny.close();
        }
    }

    static EditRequest cityEdit(int person) {
        String name = TinyModel.PEOPLE[person];
        return new EditRequest(
                name + "/city",
                name + " lives in",
                TinyModel.otherCity(person),
                name,
                null,
                List.of(),
                List.of(),
                List.of());
    }

    static EditRequest colourEdit(int person) {
        String name = TinyModel.PEOPLE[person];
        String colour = TinyModel.COLOURS[(person * 5 + 1) % 3];
        return new EditRequest(
                name + "/colour", name + " likes the colour", colour, name, null, List.of(), List.of(), List.of());
    }

    static LemoeMethod method() {
        return new LemoeMethod(Configs.defaults(LemoeConfig.class), new KvAnchorRouter());
    }

    static List<Completion> targets(List<EditRequest> edits) {
        return edits.stream().map(e -> new Completion(e.prompt(), e.target())).toList();
    }

    static List<EditRequest> allEdits() {
        return batches.stream().flatMap(List::stream).toList();
    }

    @Test
    void aFreshEditorScoresExactlyLikeTheBaseModel() throws EditException {
        try (EditSession session = tiny.model.openSession("fresh")) {
            Editor fresh = method().create(session, Map.of());
            assertEquals(baseScores, session.score(facts), "no experts: nothing changes");
            fresh.close();
            assertEquals(List.of(), session.adapters(), "closing the editor unhooks its adapter");
        }
    }

    @Test
    void everyEditOfBothBatchesHoldsAtTheEnd() {
        assertEquals(2.0, results.get(1).stats().get("experts"));
        assertTrue(results.get(1).stats().get(EditResult.STEP_SECONDS) > 0, "the mean step time is reported");
        List<Completion> targets = targets(allEdits());
        List<TargetScore> scores = edited.score(targets);
        for (int i = 0; i < targets.size(); i++) {
            assertTrue(scores.get(i).exactMatch(), targets.get(i) + ": " + scores.get(i));
            assertFalse(tiny.model.score(List.of(targets.get(i))).get(0).exactMatch(), "the base model disagrees");
        }
    }

    /** Acceptance: the expert chosen for an edit in training is the one chosen for it at inference. */
    @Test
    void routingIsConsistentBetweenTrainingAndInference() {
        List<EditRequest> edits = allEdits();
        int[] inPass = editor.routesInPass(targets(edits));
        int[] fromTokens =
                editor.routesOf(edits.stream().map(EditRequest::prompt).toList());
        for (int b = 0; b < batches.size(); b++) {
            for (EditRequest edit : batches.get(b)) {
                int i = edits.indexOf(edit);
                assertEquals(b, trainingRoutes.get(edit.prompt()), edit.prompt() + ": trained through expert " + b);
                assertEquals(b, inPass[i], edit.prompt() + ": an inference pass after both batches uses expert " + b);
                assertEquals(b, fromTokens[i], edit.prompt() + ": routing from the prompt's tokens alone agrees");
            }
        }
        assertEquals(1.0, results.get(1).stats().get("anchor_consistency"));
        assertEquals(1.0, results.get(1).stats().get("trained_on_new_expert"));
    }

    /**
     * With the routing objective holding two of the four earlier edits per router step (the nearest
     * and one drawn anew every few steps), every edit still stays with its expert.
     */
    @Test
    void holdingFewEarlierEditsPerStepStillKeepsEveryEditWithItsExpert() throws EditException {
        try (EditSession session = tiny.model.openSession("sampled")) {
            LemoeEditor sampled = (LemoeEditor) method().create(session, Map.of("anchorSample", 2));
            EditResult last = null;
            for (List<EditRequest> batch : batches) {
                last = sampled.apply(batch);
            }
            assertEquals(
                    1.0, last.stats().get("anchor_consistency"), last.stats().toString());
            List<EditRequest> edits = allEdits();
            int[] routes =
                    sampled.routesOf(edits.stream().map(EditRequest::prompt).toList());
            for (int i = 0; i < edits.size(); i++) {
                assertEquals(i / 4, routes[i], edits.get(i).prompt() + " stays with the expert of its batch");
            }
            assertTrue(session.score(targets(edits)).stream().allMatch(TargetScore::exactMatch));
        }
    }

    @Test
    void theEarlierEditsHeldAreTheNearestToTheBatch() {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            NDArray earlier = manager.create(new float[] {0, 0, 5, 5, 1, 0, -4, 0, 0.5f, 0.5f}, new Shape(5, 2));
            BatchTrainer.Earlier all = new BatchTrainer.Earlier(earlier, null, new int[] {0, 0, 1, 1, 2});
            NDArray batch = manager.create(new float[] {0, 0, 5, 4}, new Shape(2, 2));
            assertEquals(List.of(0, 4), all.nearest(manager, batch, 2), "[0, 0] and [0.5, 0.5], in row order");
            assertEquals(List.of(0, 1, 4), all.nearest(manager, batch, 3), "[5, 5] ties [1, 0]: the first row wins");
            assertEquals(List.of(0, 1, 2, 3, 4), all.nearest(manager, batch, 0), "0 holds all");
            assertEquals(List.of(0, 1, 2, 3, 4), all.nearest(manager, batch, 9));
            BatchTrainer.Earlier two = all.rows(manager, List.of(1, 4));
            assertArrayEquals(new int[] {0, 2}, two.owners());
            assertArrayEquals(new float[] {5, 5, 0.5f, 0.5f}, two.embeddings().toFloatArray());
        }
    }

    /** A fact edited again goes to the new expert with its new target; the other earlier edits stay. */
    @Test
    void aFactEditedAgainTakesItsNewTargetThroughTheNewExpert() throws EditException {
        try (EditSession session = tiny.model.openSession("re-edit")) {
            LemoeEditor editor = (LemoeEditor) method().create(session, Map.of());
            editor.apply(batches.get(0));
            EditRequest first = batches.get(0).get(0);
            String again = TinyModel.CITIES[
                    (java.util.Arrays.asList(TinyModel.CITIES).indexOf(first.target()) + 1) % TinyModel.CITIES.length];
            EditRequest reEdit = new EditRequest(
                    first.id(), first.prompt(), again, first.subject(), null, List.of(), List.of(), List.of());
            editor.apply(List.of(reEdit, cityEdit(4), cityEdit(5)));
            assertEquals(
                    1, editor.routesOf(List.of(first.prompt()))[0], "the re-edited prompt is routed to the new expert");
            assertTrue(session.score(targets(List.of(reEdit))).get(0).exactMatch(), "the new target holds");
            assertTrue(
                    session.score(targets(batches.get(0).subList(1, 4))).stream()
                            .allMatch(TargetScore::exactMatch),
                    "the other edits of the first batch stay");
        }
    }

    /** Acceptance: earlier experts' parameters are bit-identical after later batches. */
    @Test
    void theFirstExpertIsFrozenByTheSecondBatch() {
        Expert firstExpert = editor.experts().get(0);
        assertEquals(
                Set.of("up", "upBias", "down", "downBias", "key", "projDown", "projUp"),
                firstExpertAfterItsBatch.keySet());
        firstExpertAfterItsBatch.forEach((name, values) -> assertArrayEquals(
                values, firstExpert.parts().get(name).toFloatArray(), "expert 0 " + name + " is bit-identical"));
        assertEquals(firstThreshold, firstExpert.threshold());
        assertFalse(firstExpert.parts().values().stream().anyMatch(NDArray::hasGradient), "nothing left trainable");
        float[] down = editor.experts().get(1).parts().get("down").toFloatArray();
        float sum = 0;
        for (float v : down) {
            sum += Math.abs(v);
        }
        assertTrue(sum > 0, "the second expert was trained from its zero down-projection");
    }

    /** The anchor gate (default): no unrelated fact is near an edit prompt, so none changes. */
    @Test
    void unrelatedFactsKeepTheirBaseScores() {
        Set<String> editedPrompts = allEdits().stream().map(EditRequest::prompt).collect(Collectors.toSet());
        List<Completion> unrelated =
                facts.stream().filter(f -> !editedPrompts.contains(f.prompt())).toList();
        assertEquals(8, unrelated.size());
        int[] routes =
                editor.routesOf(unrelated.stream().map(Completion::prompt).toList());
        assertArrayEquals(
                new int[unrelated.size()],
                java.util.Arrays.stream(routes).map(r -> r + 1).toArray(),
                "no expert applies to an unrelated fact");
        assertEquals(tiny.model.score(unrelated), edited.score(unrelated));
    }

    /** The other gates: the spec's score threshold, and none (top-1 routing alone: every input gets an expert). */
    @ParameterizedTest
    @CsvSource({"score", "none"})
    void theOtherGatesEditToo(String gate) throws EditException {
        try (EditSession session = tiny.model.openSession("gate-" + gate)) {
            LemoeEditor gated = (LemoeEditor) method().create(session, Map.of("gate", gate));
            gated.apply(batches.get(0));
            EditResult second = gated.apply(batches.get(1));
            assertTrue(session.score(targets(allEdits())).stream().allMatch(TargetScore::exactMatch), gate);
            int[] routes = gated.routesOf(facts.stream().map(Completion::prompt).toList());
            if (gate.equals("none")) {
                assertTrue(java.util.Arrays.stream(routes).allMatch(r -> r >= 0), "top-1 always applies");
            } else {
                assertTrue(
                        second.stats().containsKey("threshold"), second.stats().toString());
                Set<String> editedPrompts =
                        allEdits().stream().map(EditRequest::prompt).collect(Collectors.toSet());
                List<TargetScore> now = session.score(facts);
                for (int i = 0; i < facts.size(); i++) {
                    if (routes[i] == -1) {
                        assertFalse(editedPrompts.contains(facts.get(i).prompt()), "edit prompts pass their gate");
                        assertEquals(baseScores.get(i), now.get(i), facts.get(i) + ": below every threshold");
                    }
                }
            }
        }
    }

    /** The router is read at every pass: a router service bound later takes over at once. */
    @Test
    void aReplacedRouterIsUsedAtTheNextPass() throws Exception {
        int[] calls = new int[2];
        KvAnchorRouter real = new KvAnchorRouter();
        io.editlab.api.route.Router first = (q, w, b, k) -> {
            calls[0]++;
            return real.route(q, w, b, k);
        };
        io.editlab.api.route.Router second = (q, w, b, k) -> {
            calls[1]++;
            return real.route(q, w, b, k);
        };
        LemoeMethod method = new LemoeMethod(Configs.defaults(LemoeConfig.class), first);
        try (EditSession session = tiny.model.openSession("swap")) {
            Editor swapping = method.create(session, Map.of("epochs", 2, "routerSteps", 0));
            swapping.apply(batches.get(0));
            int before = calls[0];
            assertTrue(before > 0, "training routed through the first router");
            java.lang.reflect.Field field = LemoeMethod.class.getDeclaredField("router");
            field.setAccessible(true);
            field.set(method, second); // what Declarative Services does for a greedy dynamic reference
            session.score(facts);
            assertEquals(before, calls[0], "the first router is no longer used");
            assertTrue(calls[1] > 0, "the second router routes the next pass");
        }
    }

    /** The routing objective's probabilities are the bound router's: a router that flattens them keeps it from settling. */
    @Test
    void theRoutingObjectiveTrainsThroughTheBoundRouter() throws EditException {
        KvAnchorRouter real = new KvAnchorRouter();
        io.editlab.api.route.Router flat = (q, w, b, k) -> real.route(q.div(1e4f), w, b, k);
        Map<String, Object> config = Map.of("routerSteps", 200, "epochs", 1);
        try (EditSession a = tiny.model.openSession("sharp");
                EditSession b = tiny.model.openSession("flat")) {
            Editor sharp = new LemoeMethod(Configs.defaults(LemoeConfig.class), real).create(a, config);
            Editor blunt = new LemoeMethod(Configs.defaults(LemoeConfig.class), flat).create(b, config);
            sharp.apply(batches.get(0));
            blunt.apply(batches.get(0));
            double sharpSteps = sharp.apply(batches.get(1)).stats().get("router_steps");
            double bluntSteps = blunt.apply(batches.get(1)).stats().get("router_steps");
            assertTrue(sharpSteps < 200, "the softmax router settles: " + sharpSteps + " steps");
            assertEquals(200.0, bluntSteps, "probabilities near 1/2 never reach the settled probability");
        }
    }

    @Test
    void aSavedStateRestoresTheEditsAndAnEmptyOneUndoesThem() throws EditException {
        try (EditSession copy = tiny.model.openSession("restored");
                EditSession empty = tiny.model.openSession("empty");
                NDManager manager = copy.manager().newSubManager()) {
            EditorState state = editor.state(manager);
            assertEquals("1", state.metadata().get("format"));
            assertEquals("2", state.metadata().get("experts"));
            assertEquals(
                    allEdits().stream().map(EditRequest::prompt).toList(),
                    StateLists.read(state.metadata(), "anchors"));
            Editor restored = method().create(copy, Map.of());
            restored.restore(state);
            assertEquals(edited.score(facts), copy.score(facts));
            assertEquals(edited.score(targets(allEdits())), copy.score(targets(allEdits())));
            restored.restore(method().create(empty, Map.of()).state(manager));
            assertEquals(baseScores, copy.score(facts), "restoring an empty state undoes every edit");
        }
    }

    @Test
    void aStateOfAnotherShapeIsRefused() throws EditException {
        try (EditSession session = tiny.model.openSession("other");
                NDManager manager = session.manager().newSubManager()) {
            EditorState state = editor.state(manager);
            Editor narrow = method().create(session, Map.of("expertWidth", 16));
            EditException error = assertThrows(EditException.class, () -> narrow.restore(state));
            assertTrue(error.getMessage().contains("expertWidth"), error.getMessage());
        }
    }

    @Test
    void aDivergingBatchFailsAndLeavesTheEditorAsItWas() throws EditException {
        try (EditSession session = tiny.model.openSession("diverging")) {
            LemoeEditor diverging = (LemoeEditor) method().create(session, Map.of("learningRate", 1e30, "epochs", 5));
            EditException error =
                    assertThrows(EditException.class, () -> diverging.applyAtomically(session, batches.get(0)));
            assertTrue(error.getMessage().contains("was not finite"), error.getMessage());
            assertEquals(List.of(), diverging.experts(), "the new expert was dropped");
            assertEquals(baseScores, session.score(facts));
        }
    }

    @Test
    void editingAndScoringLeaveNothingBehindButTheExperts() throws EditException {
        try (EditSession session = tiny.model.openSession("leaks")) {
            int before = session.manager().getManagedArrays().size();
            LemoeEditor lemoe = (LemoeEditor) method().create(session, Map.of("epochs", 3));
            lemoe.apply(batches.get(0));
            int one = session.manager().getManagedArrays().size();
            session.score(facts);
            session.generate(List.of(batches.get(0).get(0).prompt()), 2);
            lemoe.routesOf(List.of(facts.get(0).prompt()));
            try (NDManager copies = session.manager().newSubManager()) {
                assertEquals("1", lemoe.state(copies).metadata().get("experts"));
            }
            assertEquals(
                    one, session.manager().getManagedArrays().size(), "scoring, routing, states free their arrays");
            lemoe.apply(batches.get(1));
            int two = session.manager().getManagedArrays().size();
            assertTrue(two > one, "a second expert");
            Map<String, Object> diverging = Map.of("learningRate", 1e30, "epochs", 2);
            LemoeEditor failing = (LemoeEditor) method().create(session, diverging);
            int withSecondEditor = session.manager().getManagedArrays().size();
            assertThrows(EditException.class, () -> failing.applyAtomically(session, batches.get(0)));
            assertEquals(
                    withSecondEditor, session.manager().getManagedArrays().size(), "a failed batch frees its expert");
            failing.close();
            lemoe.close();
            assertEquals(before, session.manager().getManagedArrays().size(), "closing frees every expert");
        }
    }

    /**
     * The literal summary's variant: one projection, trained at every batch. It edits, but moving the
     * shared projection moves every earlier expert's value vectors (the README's 'Paper and ours' says why).
     */
    @Test
    void theSharedTrainableProjectionEditsTheLatestBatchAndMovesForEveryExpert() throws EditException {
        try (EditSession session = tiny.model.openSession("shared")) {
            LemoeEditor shared = (LemoeEditor) method().create(session, Map.of("projection", "shared-trainable"));
            shared.apply(batches.get(0));
            float[] before = shared.state(session.manager())
                    .tensors()
                    .get("shared.projDown")
                    .toFloatArray();
            shared.apply(batches.get(1));
            float[] after = shared.state(session.manager())
                    .tensors()
                    .get("shared.projDown")
                    .toFloatArray();
            assertFalse(shared.experts().get(0).parts().containsKey("projDown"), "no projection of its own");
            assertFalse(java.util.Arrays.equals(before, after), "the shared projection trained in the second batch");
            assertTrue(
                    session.score(targets(batches.get(1))).stream().allMatch(TargetScore::exactMatch),
                    "the latest batch holds");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "layer, 4",
        "layer, -2",
        "expertWidth, 0",
        "expertForm, relu",
        "projectionWidth, 0",
        "projection, none",
        "keyInit, -1",
        "topK, 0",
        "lambda, 0",
        "learningRate, -1",
        "weightDecay, -1",
        "epochs, 0",
        "miniBatch, 0",
        "stopLoss, x",
        "anchorLoss, -1",
        "routerSteps, -1",
        "gate, maybe",
        "gateMargin, -1",
        "gateRadius, 0",
        "gateLoss, -1",
        "negatives, -1",
        "seed, 1.5",
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
    void theDefaultsResolveForTheTinyModel() throws EditException {
        LemoeSettings settings = LemoeSettings.resolve(
                new LemoeMethod(Configs.defaults(LemoeConfig.class)).options(Map.of()), edited.model());
        assertEquals(2, settings.layer(), "4 * 9 / 16");
        assertEquals(tiny.model.module(2, ModuleRole.MLP), settings.module());
        assertEquals(
                List.of(32, 128, 8), List.of(settings.width(), settings.expertWidth(), settings.projectionWidth()));
        assertEquals(LemoeSettings.ExpertForm.GELU, settings.form(), "GPT-2's form");
        assertEquals(1, settings.topK());
    }
}
