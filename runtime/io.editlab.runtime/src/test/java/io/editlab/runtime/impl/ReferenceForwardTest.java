package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ForwardResult;
import io.editlab.api.model.ModelHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime's GPT-2 and GPT-J against the Python references ({@code tools/reference/reflib.py},
 * {@code Gpt2}, {@code GptJ}):
 * token ids, the logits of every row that predicts a target token, their log-probabilities and the
 * teacher-forced loss, per completion and in one padded batch. Skipped without fixtures.
 */
class ReferenceForwardTest {

    /** float32 through a two-block model: per element, relative to the larger magnitude, plus a floor. */
    static final float RELATIVE = 1e-5f;

    static final float FLOOR = 1e-5f;

    static ReferenceFixtures fixtures;
    static List<Completion> completions = new ArrayList<>();
    static List<JsonObject> cases = new ArrayList<>();

    @BeforeAll
    static void open() throws Exception {
        fixtures = ReferenceFixtures.open();
        for (JsonElement c : fixtures.json("gpt2/forward.json").getAsJsonArray("cases")) {
            JsonObject o = c.getAsJsonObject();
            cases.add(o);
            completions.add(new Completion(
                    o.get("prompt").getAsString(), o.get("target").getAsString()));
        }
    }

    @AfterAll
    static void close() {
        if (fixtures != null) {
            fixtures.close();
        }
    }

    static int[] ints(JsonObject o, String field) {
        return StreamSupport.stream(o.getAsJsonArray(field).spliterator(), false)
                .mapToInt(JsonElement::getAsInt)
                .toArray();
    }

    /** {@code actual} equals {@code expected} element by element within the tolerance. */
    static void assertClose(float[] expected, float[] actual, String what) {
        assertTrue(
                expected.length == actual.length, what + ": " + actual.length + " values, expected " + expected.length);
        for (int i = 0; i < expected.length; i++) {
            float scale = Math.max(Math.abs(expected[i]), Math.abs(actual[i]));
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= RELATIVE * scale + FLOOR,
                    what + "[" + i + "]: " + actual[i] + ", the reference " + expected[i]);
        }
    }

    @Test
    void theTokenizerGivesTheReferenceIds() {
        for (int i = 0; i < cases.size(); i++) {
            assertArrayEquals(
                    ints(cases.get(i), "prompt_ids"),
                    fixtures.model.tokenizer().encode(completions.get(i).prompt()));
            assertArrayEquals(
                    ints(cases.get(i), "target_ids"),
                    fixtures.model
                            .tokenizer()
                            .encodeContinuation(completions.get(i).target()));
        }
    }

    @Test
    void eachCompletionScoresAsTheReferenceDoes() throws Exception {
        assertScoresAsTheReference(fixtures.model, "gpt2/forward.safetensors");
    }

    @Test
    void gptjScoresAsTheReferenceDoes() throws Exception {
        ModelHandle gptj = fixtures.runtime.load("reference-gptj", fixtures.file("gptj/model"));
        try {
            assertScoresAsTheReference(gptj, "gptj/forward.safetensors");
        } finally {
            fixtures.runtime.unload("reference-gptj");
        }
    }

    private static void assertScoresAsTheReference(ModelHandle model, String expectedFile) throws Exception {
        try (EditSession session = model.openSession("reference");
                NDManager manager = session.manager().newSubManager()) {
            Map<String, NDArray> expected = fixtures.tensors(manager, expectedFile);
            for (int i = 0; i < completions.size(); i++) {
                ForwardResult result = session.forward(manager, List.of(completions.get(i)), ForwardOptions.INFERENCE);
                String what = model.info().id() + " " + completions.get(i);
                assertClose(
                        expected.get(i + ".logits").toFloatArray(),
                        result.logits().toFloatArray(),
                        what + " logits");
                assertClose(
                        expected.get(i + ".log_probs").toFloatArray(),
                        result.targetLogProbs().toFloatArray(),
                        what + " log-probabilities");
                assertClose(
                        expected.get(i + ".loss").toFloatArray(),
                        new float[] {result.loss().getFloat()},
                        what + " loss");
            }
        }
    }

    @Test
    void aPaddedBatchGivesEachCompletionItsOwnLogits() throws Exception {
        try (EditSession session = fixtures.model.openSession("batched");
                NDManager manager = session.manager().newSubManager()) {
            Map<String, NDArray> expected = fixtures.tensors(manager, "gpt2/forward.safetensors");
            ForwardResult result = session.forward(manager, completions, ForwardOptions.INFERENCE);
            float[] all = result.targetLogProbs().toFloatArray();
            int[] rows = result.rowExamples();
            for (int i = 0; i < completions.size(); i++) {
                List<Float> mine = new ArrayList<>();
                for (int r = 0; r < rows.length; r++) {
                    if (rows[r] == i) {
                        mine.add(all[r]);
                    }
                }
                float[] got = new float[mine.size()];
                for (int r = 0; r < got.length; r++) {
                    got[r] = mine.get(r);
                }
                assertClose(expected.get(i + ".log_probs").toFloatArray(), got, completions.get(i) + " in the batch");
            }
        }
    }
}
