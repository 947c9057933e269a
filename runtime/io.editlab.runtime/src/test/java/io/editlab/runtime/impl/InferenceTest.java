package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import io.editlab.api.model.Capture;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.Generation;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.RestoredSession;
import io.editlab.api.model.TargetScore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scoring, generation, sessions' overlays in the forward pass, captures and snapshots. */
@SuppressWarnings("unchecked")
class InferenceTest {

    static final List<Completion> ITEMS = List.of(
            new Completion("the capital of france is", "paris"),
            new Completion("the capital of italy is", "rome ."),
            new Completion("berlin is the capital of", "the capital of the capital"),
            new Completion("paris", "is"));

    @TempDir
    Path dir;

    DjlRuntime runtime;
    NDManager scratch;
    ModelHandle model;

    @BeforeEach
    void start() throws Exception {
        runtime = DjlRuntime.standalone("cpu");
        scratch = Engine.getEngine("PyTorch").newBaseManager();
        JsonObject config = TinyCheckpoints.gpt2Config(2, 16, TinyCheckpoints.WORDS.size(), 32);
        Path folder =
                TinyCheckpoints.write(dir.resolve("m"), config, TinyCheckpoints.randomTensors(config, scratch, 0.3f));
        TinyCheckpoints.writeTokenizer(folder);
        model = runtime.load("m", folder);
    }

    @AfterEach
    void stop() {
        scratch.close();
        runtime.deactivate();
    }

    private static float[] logProbs(List<TargetScore> scores) {
        return scores.stream().map(TargetScore::logProbs).reduce(new float[0], (a, b) -> {
            float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, c, a.length, b.length);
            return c;
        });
    }

    @Test
    void theWordLevelTokenizerSplitsWordsAndPunctuation() {
        assertArrayEquals(new int[] {1, 2, 3, 4, 5}, model.tokenizer().encode("the capital of france is"));
        assertArrayEquals(new int[] {7, 10}, model.tokenizer().encodeContinuation("rome."));
        assertEquals("paris is", model.tokenizer().decode(new int[] {6, 5}));
        assertEquals(0, model.tokenizer().encode("london")[0], "unknown words map to <unk>");
    }

    @Test
    void batchedScoresEqualOneAtATime() {
        List<TargetScore> batched = model.score(ITEMS);
        for (int i = 0; i < ITEMS.size(); i++) {
            TargetScore alone = model.score(List.of(ITEMS.get(i))).get(0);
            assertArrayEquals(alone.predictedIds(), batched.get(i).predictedIds());
            assertArrayEquals(alone.logProbs(), batched.get(i).logProbs(), 1e-5f);
        }
        assertEquals(5, batched.get(2).targetIds().length);
    }

    @Test
    void scoresAgreeWithNextTokenLogits() {
        TargetScore score = model.score(List.of(ITEMS.get(1))).get(0);
        int[] input = {1, 2, 3, 8, 5, 7}; // "the capital of italy is" + "rome"
        float[] logits = model.nextTokenLogits(java.util.Arrays.copyOf(input, 5));
        int argmax = 0;
        double norm = 0;
        for (int v = 0; v < logits.length; v++) {
            argmax = logits[v] > logits[argmax] ? v : argmax;
        }
        for (float l : logits) {
            norm += Math.exp(l - logits[argmax]);
        }
        assertEquals(argmax, score.predictedIds()[0]);
        assertEquals(logits[7] - logits[argmax] - Math.log(norm), score.logProbs()[0], 1e-5);
        assertEquals(score.tokenAccuracy() == 1.0, score.exactMatch());
    }

    @Test
    void greedyGenerationFollowsTheArgmaxChain() {
        List<Generation> generated = model.generate(List.of("the capital of", "paris is", "rome"), 4);
        int[] sequence = {1, 2, 3};
        for (int step = 0; step < 4; step++) {
            float[] logits = model.nextTokenLogits(sequence);
            int argmax = 0;
            for (int v = 1; v < logits.length; v++) {
                argmax = logits[v] > logits[argmax] ? v : argmax;
            }
            assertEquals(argmax, generated.get(0).tokens()[step], "step " + step);
            sequence = java.util.Arrays.copyOf(sequence, sequence.length + 1);
            sequence[sequence.length - 1] = argmax;
        }
        assertEquals(4, generated.get(2).tokens().length);
        assertEquals(
                model.tokenizer().decode(generated.get(1).tokens()),
                generated.get(1).text());
    }

    @Test
    void sessionsSeeOnlyTheirOwnOverlays() {
        float[] base = logProbs(model.score(ITEMS));
        EditSession withDelta = model.openSession("delta");
        EditSession withAdapter = model.openSession("adapter");
        EditSession fresh = model.openSession("fresh");
        withDelta.delta(model.module(1, ModuleRole.MLP_DOWN) + ".weight").addi(0.5f);
        withAdapter.addAdapter(model.module(0, ModuleRole.MLP), (ctx, in, out) -> out.add(0.7f));

        float[] a = logProbs(withDelta.score(ITEMS));
        float[] b = logProbs(withAdapter.score(ITEMS));
        assertFalse(java.util.Arrays.equals(base, a), "the delta changes the session's outputs");
        assertFalse(java.util.Arrays.equals(base, b), "the adapter changes the session's outputs");
        assertFalse(java.util.Arrays.equals(a, b));
        assertArrayEquals(base, logProbs(fresh.score(ITEMS)), "a fresh session equals the base");
        assertArrayEquals(base, logProbs(model.score(ITEMS)), "the base is unchanged");

        withAdapter.adapters().get(0).close();
        assertArrayEquals(base, logProbs(withAdapter.score(ITEMS)), "an unhooked adapter is gone");
    }

    @Test
    void adaptersShareAttributesWithinOnePass() {
        EditSession session = model.openSession("s");
        float[][] seen = new float[1][];
        session.addAdapter(model.module(0, ModuleRole.MLP_UP), (ctx, in, out) -> {
            ctx.setAttribute(
                    "query",
                    in.get(ctx.manager(), new ai.djl.ndarray.index.NDIndex(":, {}, :", ctx.queryPositions()[0])));
            return out;
        });
        session.addAdapter(model.module(1, ModuleRole.MLP_UP), (ctx, in, out) -> {
            seen[0] = ctx.attribute("query", NDArray.class).orElseThrow().toFloatArray();
            return out;
        });
        session.score(List.of(ITEMS.get(0)));
        assertEquals(16, seen[0].length, "the later adapter read what the earlier one stored");
    }

    @Test
    void capturesFactorTheWeightGradient() {
        EditSession session = model.openSession("capture");
        String module = model.module(1, ModuleRole.MLP_DOWN);
        NDArray delta = session.delta(module + ".weight");
        delta.setRequiresGradient(true);
        try (NDManager step = session.manager().newSubManager();
                GradientCollector collector = session.newGradientCollector()) {
            ForwardResult result = session.forward(
                    step, ITEMS, new ForwardOptions(true, Set.of(module), ForwardOptions.CaptureTokens.TARGET));
            Capture capture = result.capture(module).orElseThrow();
            assertThrows(IllegalStateException.class, capture::outputGradients, "no gradient before backward");
            collector.backward(result.loss());
            assertEquals(
                    result.logits().getShape().get(0),
                    capture.inputs().getShape().get(0),
                    "one key per target token");
            NDArray factored = capture.inputs().transpose().matMul(capture.outputGradients());
            try (NDArray autograd = delta.getGradient()) {
                float[] expected = autograd.toFloatArray();
                float[] actual = factored.toFloatArray();
                float scale = 0;
                for (float e : expected) {
                    scale = Math.max(scale, Math.abs(e));
                }
                assertTrue(scale > 0, "the loss depends on the weight");
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-5 * scale, "element " + i);
                }
            }
            assertFalse(model.parameter(module + ".weight").hasGradient(), "the base never collects gradients");
        }
    }

    @Test
    void allTokenCapturesCoverEveryInputPosition() {
        String module = model.module(0, ModuleRole.MLP_DOWN);
        try (NDManager step = scratch.newSubManager()) {
            ForwardResult result = model.forward(
                    step, ITEMS, new ForwardOptions(false, Set.of(module), ForwardOptions.CaptureTokens.ALL));
            // inputs are prompt + target minus one token: 5+1-1, 5+2-1, 5+5-1, 1+1-1
            assertEquals(
                    5 + 6 + 9 + 1,
                    result.capture(module).orElseThrow().inputs().getShape().get(0));
            assertEquals(
                    List.of(0, 1, 1, 2, 2, 2, 2, 2, 3),
                    java.util.Arrays.stream(result.rowExamples()).boxed().toList());
        }
    }

    @Test
    void aSavedSessionRestoresItsDeltasAndExtraState() throws Exception {
        EditSession session = model.openSession("saved");
        session.delta(model.module(0, ModuleRole.MLP_UP) + ".weight").addi(0.25f);
        NDArray memory = session.manager().create(new float[] {1, 2, 3});
        Path file = dir.resolve("session.safetensors");
        session.save(file, Map.of("codes", memory), Map.of("editor", "test", "edits", "3"));
        float[] edited = logProbs(session.score(ITEMS));

        RestoredSession restored = model.restoreSession("restored", file);
        assertArrayEquals(edited, logProbs(restored.session().score(ITEMS)));
        assertArrayEquals(new float[] {1, 2, 3}, restored.extra().get("codes").toFloatArray());
        assertEquals(Map.of("editor", "test", "edits", "3"), restored.metadata());
        assertNotEquals(session.id(), restored.session().id());
    }

    @Test
    void aSnapshotOfAnotherModelIsRejected() throws Exception {
        JsonObject config = TinyCheckpoints.gpt2Config(2, 8, TinyCheckpoints.WORDS.size(), 32);
        ModelHandle other = runtime.load(
                "other",
                TinyCheckpoints.write(dir.resolve("other"), config, TinyCheckpoints.randomTensors(config, scratch)));
        EditSession session = other.openSession("s");
        session.delta("transformer.h.0.mlp.c_fc.weight").addi(1f);
        Path file = dir.resolve("other.safetensors");
        session.save(file, Map.of(), Map.of());
        ModelException error = assertThrows(ModelException.class, () -> model.restoreSession("x", file));
        assertTrue(error.getMessage().contains("transformer.h.0.mlp.c_fc.weight"), error.getMessage());
        assertEquals(0, model.sessions().size(), "the half-restored session was closed");
    }

    @Test
    void aNewThreadCanUpdateTrainableDeltasInPlaceAndScore() throws Exception {
        EditSession session = model.openSession("thread");
        String weight = model.module(1, ModuleRole.MLP_DOWN) + ".weight";
        session.delta(weight).setRequiresGradient(true);
        Throwable[] failure = new Throwable[1];
        List<TargetScore>[] scores = new List[1];
        Thread thread = new Thread(() -> {
            try {
                session.delta(weight).addi(0.01f); // refused while PyTorch's per-thread grad mode is on
                scores[0] = session.score(ITEMS);
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        thread.start();
        thread.join();
        if (failure[0] != null) {
            throw new AssertionError("a fresh thread failed", failure[0]);
        }
        assertEquals(ITEMS.size(), scores[0].size());
    }

    @Test
    void tooLongInputsAreCallerErrors() {
        String longPrompt = String.join(" ", java.util.Collections.nCopies(40, "the"));
        assertThrows(IllegalArgumentException.class, () -> model.score(List.of(new Completion(longPrompt, "paris"))));
        assertThrows(IllegalArgumentException.class, () -> model.nextTokenLogits(new int[0]));
    }
}
