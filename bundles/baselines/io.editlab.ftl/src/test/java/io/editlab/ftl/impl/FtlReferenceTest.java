package io.editlab.ftl.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.Completion;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ForwardOptions;
import io.editlab.runtime.impl.ReferenceFixtures;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FT-L against the Python reference ({@code tools/reference/ftl.py}, written from ROME's {@code
 * baselines/ft/ft_main.py} with this editor's choices), on the fixture model: two apply calls (three
 * and two edits, mini-batches of two, six passes, the norm constraint active). After each, the delta,
 * the last pass's loss, the passes and the steps equal the reference's; after the last, so do the
 * probes' log-probabilities. Skipped without fixtures.
 */
class FtlReferenceTest {

    /** After up to twelve Adam steps, float32. */
    static final float TRAINED = 1e-4f;

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": number of values");
        for (int i = 0; i < expected.length; i++) {
            float scale = Math.max(1f, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= TRAINED * scale,
                    what + "[" + i + "]: " + actual[i] + ", the reference " + expected[i]);
        }
    }

    @Test
    void twoCallsTuneTheWeightAsTheReferenceDoes() throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("ftl-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("ftl/ftl.json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "ftl/ftl.safetensors");
            Map<String, String> options = new HashMap<>();
            spec.getAsJsonObject("options")
                    .entrySet()
                    .forEach(e -> options.put(e.getKey(), e.getValue().getAsString()));
            Editor editor = new FtlMethod(TinyModel.defaults()).create(session, options);
            String weight = spec.get("weight").getAsString();
            int i = 0;
            for (JsonElement c : spec.getAsJsonArray("calls")) {
                JsonObject call = c.getAsJsonObject();
                List<EditRequest> batch = new ArrayList<>();
                for (JsonElement e : call.getAsJsonArray("edits")) {
                    JsonObject edit = e.getAsJsonObject();
                    batch.add(new EditRequest(
                            "r" + batch.size(),
                            edit.get("prompt").getAsString(),
                            edit.get("target").getAsString(),
                            null,
                            null,
                            List.of(),
                            List.of(),
                            List.of()));
                }
                EditResult result = editor.apply(batch);
                String what = "call " + i;
                assertEquals(call.get("steps").getAsDouble(), result.stats().get("steps"), what + ": passes");
                assertEquals(call.get("updates").getAsDouble(), result.stats().get("updates"), what + ": steps taken");
                assertClose(
                        new float[] {call.get("final_loss").getAsFloat()},
                        new float[] {result.stats().get("final_loss").floatValue()},
                        what + ": the last pass's loss");
                assertClose(
                        expected.get(i + ".delta").toFloatArray(),
                        session.delta(weight).toFloatArray(),
                        what + ": the delta of " + weight);
                i++;
            }
            int j = 0;
            for (JsonElement p : spec.getAsJsonArray("probes")) {
                JsonObject probe = p.getAsJsonObject();
                Completion completion = new Completion(
                        probe.get("prompt").getAsString(), probe.get("target").getAsString());
                assertClose(
                        expected.get("probe." + j + ".log_probs").toFloatArray(),
                        session.forward(manager, List.of(completion), ForwardOptions.INFERENCE)
                                .targetLogProbs()
                                .toFloatArray(),
                        completion + ": log-probabilities");
                j++;
            }
            editor.close();
        }
    }
}
