package io.editlab.malmen.hypernet.editor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.edit.MetaTrainer;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions.CaptureTokens;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.TargetScore;
import io.editlab.malmen.hypernet.EditedModule;
import io.editlab.malmen.hypernet.HyperNetwork;
import io.editlab.malmen.hypernet.HypernetCheckpoint;
import io.editlab.malmen.hypernet.HypernetConfig;
import io.editlab.malmen.hypernet.KeyTracer;
import io.editlab.malmen.hypernet.Layouts;
import io.editlab.malmen.hypernet.Reference;
import io.editlab.malmen.hypernet.TinyModels;
import io.editlab.malmen.hypernet.Variant;
import io.editlab.malmen.hypernet.config.EditorConfig;
import io.editlab.malmen.hypernet.config.TrainerConfig;
import io.editlab.malmen.hypernet.training.VariantTrainer;
import io.editlab.runtime.impl.DjlRuntime;
import io.editlab.runtime.testing.Configs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MALMEN and MEND editors on a real tiny GPT-2 (pretrained once for the class) with
 * hyper-networks meta-trained once for the class on edits of the first half of its people; the
 * tests edit the other half.
 */
class HypernetEditorTest {

    /** Edits of people 0-6 train, person 7's validate; people 8-15 are edited by the tests. */
    static final List<EditRequest> TRAINING = TinyWorld.edits(0, 7);

    static final List<EditRequest> VALIDATION = TinyWorld.edits(7, 1);
    static final List<EditRequest> HELD_OUT = TinyWorld.edits(8, 8);
    static final Map<String, Object> TRAINER = Map.of(
            "layers",
            "0,1",
            "rank",
            "48",
            "editsPerStep",
            "14",
            "lmBatchSize",
            "4",
            "epochs",
            "40",
            "patience",
            "40",
            "metaLr",
            "1e-4",
            "initialLr",
            "1e-2");

    @TempDir
    static Path dir;

    static DjlRuntime runtime;
    static ModelHandle model;
    static Path malmenNet;
    static Path mendNet;
    static NDManager manager;

    @BeforeAll
    static void prepare() throws Exception {
        runtime = DjlRuntime.standalone("cpu");
        TinyWorld.pretrain(runtime, dir.resolve("tiny"));
        model = runtime.load("tiny", dir.resolve("tiny"));
        manager = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager();
        malmenNet = trainer(Variant.MALMEN)
                .train(model, TRAINING, VALIDATION, dir.resolve("malmen"), TRAINER, (s, d, t) -> {});
        mendNet =
                trainer(Variant.MEND).train(model, TRAINING, VALIDATION, dir.resolve("mend"), TRAINER, (s, d, t) -> {});
    }

    @AfterAll
    static void stop() {
        manager.close();
        runtime.close();
    }

    /** The meta-trainer of {@code variant} with its built-in defaults, as a method bundle registers it. */
    static MetaTrainer trainer(Variant variant) {
        return new VariantTrainer(variant, Configs.defaults(TrainerConfig.class)) {};
    }

    /** An editor of {@code variant} with {@code overrides} over {@code defaults}. */
    static Editor create(EditSession session, Variant variant, EditorConfig defaults, Map<String, ?> overrides)
            throws EditException {
        return HypernetEditor.create(
                session, variant, HypernetOptions.reader(variant, defaults).read(overrides));
    }

    static Editor malmen(EditSession session, Map<String, Object> overrides) throws EditException {
        Map<String, Object> all = new HashMap<>(overrides);
        all.putIfAbsent("hypernet", malmenNet.toString());
        return create(session, Variant.MALMEN, TinyWorld.config(Map.of()), all);
    }

    @Test
    void malmenEditsHeldOutFactsInOneCallAndOnlyInItsSession() throws Exception {
        List<TargetScore> base = model.score(TinyWorld.facts());
        assertEquals(0.0, TinyWorld.exactMatch(model, HELD_OUT), "the targets are counterfactual");
        double before = TinyWorld.meanLogProb(model, HELD_OUT);
        List<TargetScore> baseTargets = model.score(TinyWorld.completions(HELD_OUT));
        try (EditSession other = model.openSession("other");
                EditSession session = model.openSession("edited");
                Editor editor = malmen(session, Map.of())) {
            EditResult result = editor.apply(HELD_OUT);
            assertEquals(HELD_OUT.size(), result.edits());
            assertEquals(2, result.touched().size(), "the c_proj weights of blocks 0 and 1: " + result.touched());
            assertEquals(HELD_OUT.size(), result.stats().get("tokens"), 1e-9, "one answer token per fact");
            double after = TinyWorld.meanLogProb(session, HELD_OUT);
            double success = TinyWorld.exactMatch(session, HELD_OUT);
            assertTrue(
                    after > before + 0.5, "target log-probability " + before + " -> " + after + ", success " + success);
            // Rounding differs between runs (kernels vectorise by the arrays' alignment) and 40 epochs of
            // meta-training amplify it: how many targets cross the argmax varies (3 of 16 here, 0 of 16 in
            // one CI run, whose targets still rose), whether the edit raises the targets does not.
            List<TargetScore> editedTargets = session.score(TinyWorld.completions(HELD_OUT));
            long raised = IntStream.range(0, HELD_OUT.size())
                    .filter(i -> editedTargets.get(i).meanLogProb()
                            > baseTargets.get(i).meanLogProb())
                    .count();
            assertTrue(
                    raised >= HELD_OUT.size() * 3 / 4,
                    raised + " of " + HELD_OUT.size() + " targets rose, edit success " + success);
            assertEquals(base, model.score(TinyWorld.facts()), "the base model is unchanged");
            assertEquals(base, other.score(TinyWorld.facts()), "another session is unchanged");
            assertTrue(other.deltas().isEmpty());
        }
    }

    /**
     * The meta-loss of the training facts (validated on themselves) after 1 and after 6 epochs (one
     * meta-step each): the meta-gradients descend.
     */
    @Test
    void metaTrainingLowersTheMetaLossOfItsTrainingFacts() throws Exception {
        for (Variant variant : Variant.values()) {
            String name = variant.id();
            double[] losses = new double[2];
            int i = 0;
            for (String epochs : List.of("1", "6")) {
                Map<String, Object> overrides = new HashMap<>(TRAINER);
                overrides.put("epochs", epochs);
                overrides.put("metaLr", "1e-3");
                Path folder = trainer(variant)
                        .train(model, TRAINING, TRAINING, dir.resolve(name + epochs), overrides, (s, d, t) -> {});
                try (NDManager scratch = manager.newSubManager();
                        HyperNetwork network = HypernetCheckpoint.load(folder, scratch)) {
                    Map<String, String> record = network.training();
                    assertEquals(epochs, record.get("epochs_run"));
                    assertEquals(Integer.parseInt(epochs) * 1, Integer.parseInt(record.get("meta_steps")));
                    losses[i++] = Double.parseDouble(record.get("val_loss"));
                }
            }
            assertTrue(
                    losses[1] < 0.99 * losses[0],
                    name + ": meta-loss after 1 epoch " + losses[0] + ", after 6 " + losses[1]);
        }
    }

    @Test
    void aTrainingRecordTheModelCannotTakeIsNamed() throws Exception {
        String tooLong = "Ana lives in" + " and so on".repeat(40);
        List<EditRequest> validation = List.of(VALIDATION.get(0), EditRequest.of("long", tooLong, "Oslo"));
        Map<String, Object> overrides = new HashMap<>(TRAINER);
        overrides.put("epochs", "1");
        EditException e = assertThrows(EditException.class, () -> trainer(Variant.MALMEN)
                .train(model, TRAINING, validation, dir.resolve("refused"), overrides, (s, d, t) -> {}));
        assertTrue(e.getMessage().startsWith("malmen meta-trainer: record long: "), e.getMessage());
        EditException unknown = assertThrows(EditException.class, () -> trainer(Variant.MEND)
                .train(model, TRAINING, VALIDATION, dir.resolve("refused"), Map.of("ranks", 3), (s, d, t) -> {}));
        assertTrue(unknown.getMessage().contains("unknown configuration [ranks]"), unknown.getMessage());
    }

    @Test
    void theHyperNetworkChunksDoNotChangeTheShift() throws Exception {
        try (EditSession a = model.openSession("a");
                EditSession b = model.openSession("b");
                Editor whole = malmen(a, Map.of("tokenChunk", 1024));
                Editor chunked = malmen(b, Map.of("tokenChunk", 3))) {
            whole.apply(HELD_OUT);
            chunked.apply(HELD_OUT);
            for (String weight : a.deltas().keySet()) {
                float[] x = a.deltas().get(weight).toFloatArray();
                float[] y = b.deltas().get(weight).toFloatArray();
                assertArrayEquals(x, y, 1e-4f * max(x), weight);
            }
        }
    }

    /**
     * The editor's delta is the ridge solution of the network's value differences at the traced keys,
     * computed here independently (plain Java float64 solve), for GPT-2 ({@code [in, out]}) and LLaMA
     * ({@code [out, in]}) weights.
     */
    @Test
    void theDeltaIsTheRidgeSolutionInTheWeightsOwnLayout() throws Exception {
        ModelHandle llama = runtime.load("llama", TinyModels.llama(dir.resolve("llama"), manager));
        try {
            List<EditRequest> llamaEdits = List.of(
                    EditRequest.of("a", "the capital of france is", "rome"),
                    EditRequest.of("b", "the capital of italy is", "paris"),
                    EditRequest.of("c", "the city of berlin is a", "capital"));
            record Case(ModelHandle model, List<EditRequest> edits) {}
            for (Case c : List.of(new Case(model, HELD_OUT.subList(0, 6)), new Case(llama, llamaEdits))) {
                Path net = untrained(
                        c.model(), dir.resolve("untrained-" + c.model().info().id()));
                try (EditSession session = c.model().openSession("reference");
                        NDManager scratch = manager.newSubManager();
                        HyperNetwork network = HypernetCheckpoint.load(net, scratch)) {
                    Map<EditedModule, List<float[]>> keys = new LinkedHashMap<>();
                    Map<EditedModule, List<float[]>> differences = new LinkedHashMap<>();
                    List<Completion> completions = TinyWorld.completions(c.edits());
                    for (List<Completion> batch : KeyTracer.batches(session.tokenizer(), completions, 4)) {
                        try (NDManager step = scratch.newSubManager()) {
                            KeyTracer.trace(
                                    session,
                                    step,
                                    batch,
                                    network.config().modules(),
                                    CaptureTokens.TARGET,
                                    4,
                                    (m, u, g) -> {
                                        keys.computeIfAbsent(m, k -> new ArrayList<>())
                                                .add(u.toFloatArray());
                                        differences
                                                .computeIfAbsent(m, k -> new ArrayList<>())
                                                .add(network.valueDifferences(m, u, network.transform(m, u, g))
                                                        .toFloatArray());
                                    });
                        }
                    }
                    try (Editor editor = create(
                            session,
                            Variant.MALMEN,
                            TinyWorld.config(Map.of()),
                            Map.of("hypernet", net.toString(), "tokenChunk", 2))) {
                        editor.apply(c.edits());
                    }
                    for (EditedModule m : network.config().modules()) {
                        double[][] u = rows(keys.get(m), m.keySize());
                        double[][] d = rows(differences.get(m), m.valueSize());
                        double[][] expected = Reference.ridge(u, d, network.lambda(m));
                        NDArray delta = session.deltas().get(m.weight());
                        assertEquals(Layouts.storedShape(m.keySize(), m.valueSize(), m.layout()), delta.getShape());
                        float[] actual =
                                Layouts.keyValue(delta, m.layout(), scratch).toFloatArray();
                        double scale = 0;
                        for (double[] row : expected) {
                            for (double v : row) {
                                scale = Math.max(scale, Math.abs(v));
                            }
                        }
                        assertTrue(scale > 0, "the shift is not zero");
                        for (int i = 0; i < m.keySize(); i++) {
                            for (int j = 0; j < m.valueSize(); j++) {
                                assertEquals(
                                        expected[i][j],
                                        actual[i * m.valueSize() + j],
                                        1e-4 * scale,
                                        c.model().info().id() + " " + m.weight() + " [" + i + "][" + j + "]");
                            }
                        }
                    }
                }
            }
        } finally {
            runtime.unload("llama");
        }
    }

    @Test
    void mendSumsShiftsWithItsOwnNetworkAndTheMethodsRefuseEachOthers() throws Exception {
        double before = TinyWorld.meanLogProb(model, HELD_OUT);
        try (EditSession session = model.openSession("mend");
                Editor editor = create(
                        session, Variant.MEND, TinyWorld.config(Map.of()), Map.of("hypernet", mendNet.toString()))) {
            EditResult result = editor.apply(HELD_OUT);
            assertTrue(
                    result.stats().get("tokens") > HELD_OUT.size(),
                    "MEND takes every token: " + result.stats().get("tokens"));
            double after = TinyWorld.meanLogProb(session, HELD_OUT);
            assertTrue(after > before + 0.5, "target log-probability " + before + " -> " + after);
            EditException wrong =
                    assertThrows(EditException.class, () -> malmen(session, Map.of("hypernet", mendNet.toString())));
            assertTrue(wrong.getMessage().contains("trained for mend"), wrong.getMessage());
            EditException other = assertThrows(
                    EditException.class,
                    () -> create(
                            session,
                            Variant.MEND,
                            TinyWorld.config(Map.of()),
                            Map.of("hypernet", malmenNet.toString())));
            assertTrue(other.getMessage().contains("trained for malmen"), other.getMessage());
        }
    }

    @Test
    void aFailedCallLeavesTheDeltasAsTheyWere() throws Exception {
        Path exploding = untrained(model, dir.resolve("exploding"), 1e30);
        try (EditSession session = model.openSession("rollback");
                Editor good = malmen(session, Map.of());
                Editor bad = malmen(session, Map.of("hypernet", exploding.toString()))) {
            good.apply(HELD_OUT.subList(0, 4));
            Map<String, float[]> after = snapshot(session);
            EditException e =
                    assertThrows(EditException.class, () -> bad.applyAtomically(session, HELD_OUT.subList(4, 8)));
            assertTrue(e.getMessage().contains("not finite"), e.getMessage());
            assertDeltas(after, session);
            String tooLong = "Ana lives in" + " and so on".repeat(40);
            EditException longPrompt = assertThrows(
                    EditException.class,
                    () -> good.applyAtomically(
                            session, List.of(HELD_OUT.get(5), EditRequest.of("long", tooLong, "Oslo"))));
            assertTrue(
                    longPrompt.getMessage().contains("record long: ")
                            && longPrompt.getMessage().contains("tokens"),
                    longPrompt.getMessage());
            assertDeltas(after, session);
        }
    }

    @Test
    void stateRestoresTheDeltasAndRefusesAnotherMethodsState() throws Exception {
        try (EditSession session = model.openSession("state");
                Editor editor = malmen(session, Map.of())) {
            editor.apply(HELD_OUT.subList(0, 4));
            Map<String, float[]> first = snapshot(session);
            try (NDManager saved = manager.newSubManager()) {
                EditorState state = editor.state(saved);
                assertEquals("malmen", state.metadata().get(HypernetEditor.METHOD_KEY));
                editor.apply(HELD_OUT.subList(4, 8));
                assertNotEquals(
                        first.values().iterator().next()[0],
                        session.deltas().values().iterator().next().toFloatArray()[0]);
                editor.restore(state);
                assertDeltas(first, session);
                Map<String, String> metadata = new HashMap<>(state.metadata());
                metadata.put(HypernetEditor.METHOD_KEY, "mend");
                EditException e = assertThrows(
                        EditException.class, () -> editor.restore(new EditorState(state.tensors(), metadata)));
                assertTrue(e.getMessage().contains("mend"), e.getMessage());
            }
        }
    }

    /** Joint mode: two calls give the delta of one call over both batches (with one fact per LM batch). */
    @Test
    void jointCallsEqualOneCallOverAllFacts() throws Exception {
        Map<String, Object> joint = Map.of("mode", "joint", "lmBatchSize", 1);
        try (EditSession once = model.openSession("once");
                EditSession twice = model.openSession("twice");
                Editor a = malmen(once, joint);
                Editor b = malmen(twice, joint)) {
            a.apply(HELD_OUT);
            b.apply(HELD_OUT.subList(0, 9));
            EditorState state;
            try (NDManager saved = manager.newSubManager()) {
                state = b.state(saved);
                b.apply(HELD_OUT.subList(9, 16));
                for (String weight : once.deltas().keySet()) {
                    float[] x = once.deltas().get(weight).toFloatArray();
                    assertArrayEquals(x, twice.deltas().get(weight).toFloatArray(), 1e-4f * max(x), weight);
                }
                // restoring the state after the first call and repeating the second gives the same again
                b.restore(state);
                b.apply(HELD_OUT.subList(9, 16));
                for (String weight : once.deltas().keySet()) {
                    float[] x = once.deltas().get(weight).toFloatArray();
                    assertArrayEquals(x, twice.deltas().get(weight).toFloatArray(), 1e-4f * max(x), weight);
                }
            }
        }
    }

    @Test
    void sequentialCallsAccumulateAndKeepEarlierEdits() throws Exception {
        List<EditRequest> first = HELD_OUT.subList(0, 8);
        List<EditRequest> second = HELD_OUT.subList(8, 16);
        try (EditSession session = model.openSession("sequential");
                Editor editor = malmen(session, Map.of())) {
            editor.apply(first);
            double firstAfterOne = TinyWorld.meanLogProb(session, first);
            editor.apply(second);
            assertTrue(TinyWorld.meanLogProb(session, second) > TinyWorld.meanLogProb(model, second) + 0.5);
            assertTrue(
                    TinyWorld.meanLogProb(session, first) > TinyWorld.meanLogProb(model, first) + 0.5,
                    "the first batch keeps most of its gain: " + firstAfterOne + " -> "
                            + TinyWorld.meanLogProb(session, first));
        }
    }

    @Test
    void badConfigurationNamesTheKey() throws Exception {
        try (EditSession session = model.openSession("config")) {
            EditorConfig defaults = TinyWorld.config(Map.of());
            EditException missing =
                    assertThrows(EditException.class, () -> create(session, Variant.MALMEN, defaults, Map.of()));
            assertTrue(missing.getMessage().startsWith("malmen: hypernet must be"), missing.getMessage());
            EditException absent = assertThrows(
                    EditException.class,
                    () -> create(
                            session,
                            Variant.MALMEN,
                            defaults,
                            Map.of("hypernet", dir.resolve("nowhere").toString())));
            assertTrue(absent.getMessage().contains("hypernet"), absent.getMessage());
            EditException unknown = assertThrows(
                    EditException.class,
                    () -> create(
                            session, Variant.MALMEN, defaults, Map.of("hypernet", malmenNet.toString(), "rank", 3)));
            assertTrue(unknown.getMessage().contains("unknown configuration [rank]"), unknown.getMessage());
            EditException mode = assertThrows(
                    EditException.class,
                    () -> create(
                            session,
                            Variant.MALMEN,
                            defaults,
                            Map.of("hypernet", malmenNet.toString(), "mode", "massive")));
            assertTrue(mode.getMessage().contains("mode"), mode.getMessage());
            EditException notANet = assertThrows(
                    EditException.class,
                    () -> create(
                            session,
                            Variant.MALMEN,
                            defaults,
                            Map.of("hypernet", dir.resolve("tiny").toString())));
            assertTrue(
                    notANet.getMessage().contains("config.json")
                            || notANet.getMessage().contains("format"),
                    notANet.getMessage());
            assertThrows(
                    IllegalArgumentException.class,
                    () -> HypernetOptions.reader(Variant.MALMEN, TinyWorld.config(Map.of("mode", "other"))));
            assertTrue(session.deltas().isEmpty(), "nothing was edited");
        }
    }

    /** An untrained (identity) MALMEN network for the c_proj of every block of {@code target}. */
    static Path untrained(ModelHandle target, Path folder) throws Exception {
        return untrained(target, folder, 1e-2);
    }

    static Path untrained(ModelHandle target, Path folder, double eta) throws Exception {
        List<String> modules = new ArrayList<>();
        for (int l = 0; l < target.layers(); l++) {
            modules.add(target.module(l, ModuleRole.MLP_DOWN));
        }
        HypernetConfig config = HypernetConfig.of(target, Variant.MALMEN, modules, 8, 2, CaptureTokens.TARGET, 4);
        try (NDManager scratch = manager.newSubManager();
                HyperNetwork network = HyperNetwork.create(config, eta, 3, scratch);
                EditSession session = target.openSession("statistics")) {
            // statistics from the model's own keys and gradients, as training would leave them
            List<Completion> sample = List.of(
                    new Completion("the capital of france is", "paris"),
                    new Completion("Ana lives in", "Oslo"),
                    new Completion("the city of rome is", "a"),
                    new Completion("Bo likes the colour", "red"));
            for (List<Completion> batch : KeyTracer.batches(session.tokenizer(), sample, 4)) {
                try (NDManager step = scratch.newSubManager()) {
                    KeyTracer.trace(session, step, batch, config.modules(), CaptureTokens.ALL, 4, network::observe);
                }
            }
            HypernetCheckpoint.save(network, folder, Map.of());
        }
        return folder;
    }

    private static double[][] rows(List<float[]> chunks, int width) {
        int n = chunks.stream().mapToInt(a -> a.length / width).sum();
        double[][] rows = new double[n][width];
        int r = 0;
        for (float[] chunk : chunks) {
            for (int i = 0; i < chunk.length / width; i++, r++) {
                for (int j = 0; j < width; j++) {
                    rows[r][j] = chunk[i * width + j];
                }
            }
        }
        return rows;
    }

    private static Map<String, float[]> snapshot(EditSession session) {
        Map<String, float[]> copy = new LinkedHashMap<>();
        session.deltas()
                .forEach((name, delta) ->
                        copy.put(name, delta.toType(DataType.FLOAT32, false).toFloatArray()));
        return copy;
    }

    private static void assertDeltas(Map<String, float[]> expected, EditSession session) {
        assertEquals(expected.keySet(), session.deltas().keySet());
        expected.forEach((name, values) ->
                assertArrayEquals(values, session.deltas().get(name).toFloatArray(), name));
    }

    private static float max(float[] values) {
        float m = 0;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
