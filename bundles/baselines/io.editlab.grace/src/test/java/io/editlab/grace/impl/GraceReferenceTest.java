package io.editlab.grace.impl;

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
import io.editlab.editkit.StateLists;
import io.editlab.runtime.impl.ReferenceFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * GRACE against the Python reference ({@code tools/reference/grace.py}, written from the official
 * code's {@code GRACEAdapter} and {@code GRACE.edit}, with this editor's choices): eight edits on the
 * fixture model that add, expand, split, relabel and reuse entries. After every edit the codebook's
 * keys, radii, labels and trained values and the loss after training equal the reference's; after
 * the last, so do the log-probabilities of probes. Skipped without fixtures.
 */
class GraceReferenceTest {

    /** Keys and radii: one forward pass, float32. */
    static final float PASS = 1e-5f;

    /** Values and losses: after 20 Adam steps at learning rate 1. */
    static final float TRAINED = 1e-4f;

    static void assertClose(float[] expected, float[] actual, float relative, String what) {
        assertEquals(expected.length, actual.length, what + ": number of values");
        for (int i = 0; i < expected.length; i++) {
            float scale = Math.max(1f, Math.max(Math.abs(expected[i]), Math.abs(actual[i])));
            assertTrue(
                    Math.abs(expected[i] - actual[i]) <= relative * scale,
                    what + "[" + i + "]: " + actual[i] + ", the reference " + expected[i]);
        }
    }

    @Test
    void everyEditLeavesTheReferenceCodebook() throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("grace-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("grace/edits.json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "grace/codebook.safetensors");
            Editor editor = GraceEditorTest.method()
                    .create(
                            session,
                            Map.of(
                                    "layer", spec.get("layer").getAsInt(),
                                    "module", spec.get("module").getAsString(),
                                    "epsilon", spec.get("epsilon").getAsDouble(),
                                    "learningRate", spec.get("learningRate").getAsDouble(),
                                    "steps", spec.get("steps").getAsInt(),
                                    "replacement", spec.get("replacement").getAsString(),
                                    "expandOnSameLabel", true));
            int i = 0;
            for (JsonElement e : spec.getAsJsonArray("edits")) {
                JsonObject edit = e.getAsJsonObject();
                String what = "edit " + i + " (" + edit.get("prompt").getAsString() + " -> "
                        + edit.get("target").getAsString() + ")";
                EditResult result = editor.apply(List.of(new EditRequest(
                        "r" + i,
                        edit.get("prompt").getAsString(),
                        edit.get("target").getAsString(),
                        null,
                        null,
                        List.of(),
                        List.of(),
                        List.of())));
                EditorState state = editor.state(manager);
                List<String> labels = new ArrayList<>();
                edit.getAsJsonArray("labels").forEach(l -> labels.add(l.getAsString()));
                assertEquals(labels, StateLists.read(state.metadata(), CodebookState.LABELS), what + ": labels");
                assertClose(
                        expected.get(i + ".keys").toFloatArray(),
                        state.tensors().get(CodebookState.KEYS).toFloatArray(),
                        PASS,
                        what + ": keys");
                assertClose(
                        expected.get(i + ".radii").toFloatArray(),
                        state.tensors().get(CodebookState.RADII).toFloatArray(),
                        PASS,
                        what + ": radii");
                assertClose(
                        expected.get(i + ".values").toFloatArray(),
                        state.tensors().get(CodebookState.VALUES).toFloatArray(),
                        TRAINED,
                        what + ": values");
                assertClose(
                        expected.get(i + ".loss_after").toFloatArray(),
                        new float[] {result.stats().get("final_loss").floatValue()},
                        TRAINED,
                        what + ": loss after training");
                i++;
            }
            int j = 0;
            for (JsonElement p : spec.getAsJsonArray("probes")) {
                JsonObject probe = p.getAsJsonObject();
                Completion completion = new Completion(
                        probe.get("prompt").getAsString(), probe.get("target").getAsString());
                float[] logProbs = session.forward(
                                manager, List.of(completion), io.editlab.api.model.ForwardOptions.INFERENCE)
                        .targetLogProbs()
                        .toFloatArray();
                assertClose(
                        expected.get("probe." + j + ".log_probs").toFloatArray(),
                        logProbs,
                        TRAINED,
                        "probe " + completion);
                j++;
            }
            editor.close();
        }
    }
}
