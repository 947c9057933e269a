package io.editlab.ultraedit.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
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
 * UltraEdit against the Python reference ({@code tools/reference/ultraedit.py}, written from the
 * official editor with this one's running variance), on the fixture model: both blocks' MLP output
 * projections (one shape, one set of shared statistics), three calls of two, one and three edits.
 * After each, the loss before it, the running statistics and both weights' deltas equal the
 * reference's; after the last, so do the probes' log-probabilities. Skipped without fixtures.
 */
class UltraEditReferenceTest {

    /** Captured keys and gradients, float32, then float64 statistics and solves. */
    static final double RELATIVE = 1e-4;

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": number of values");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= RELATIVE * scale,
                    what + "[" + i + "]: " + actual[i] + ", the reference " + expected[i]);
        }
    }

    static double[] doubles(NDArray array) {
        return array.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray();
    }

    @Test
    void threeCallsShiftTheWeightsAsTheReferenceDoes() throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("ultraedit-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("ultraedit/ultraedit.json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "ultraedit/ultraedit.safetensors");
            Map<String, String> options = new HashMap<>();
            spec.getAsJsonObject("options")
                    .entrySet()
                    .forEach(e -> options.put(e.getKey(), e.getValue().getAsString()));
            Editor editor = UltraEditorTest.method().create(session, options);
            List<String> modules = new ArrayList<>();
            spec.getAsJsonArray("modules").forEach(m -> modules.add(m.getAsString()));
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
                assertClose(
                        new double[] {call.get("loss").getAsDouble()},
                        new double[] {result.stats().get("loss")},
                        what + ": the loss before it");
                EditorState state = editor.state(manager);
                NDArray statistics = state.tensors().values().iterator().next();
                assertClose(
                        doubles(expected.get(i + ".statistics")), doubles(statistics), what + ": running statistics");
                for (String module : modules) {
                    assertClose(
                            doubles(expected.get(i + "." + module + ".delta")),
                            doubles(session.delta(module + ".weight")),
                            what + ": the delta of " + module);
                }
                i++;
            }
            int j = 0;
            for (JsonElement p : spec.getAsJsonArray("probes")) {
                JsonObject probe = p.getAsJsonObject();
                Completion completion = new Completion(
                        probe.get("prompt").getAsString(), probe.get("target").getAsString());
                assertClose(
                        doubles(expected.get("probe." + j + ".log_probs")),
                        doubles(session.forward(manager, List.of(completion), ForwardOptions.INFERENCE)
                                .targetLogProbs()),
                        completion + ": log-probabilities");
                j++;
            }
            editor.close();
        }
    }
}
