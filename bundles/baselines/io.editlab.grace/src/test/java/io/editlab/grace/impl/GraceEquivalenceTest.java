package io.editlab.grace.impl;

import static io.editlab.runtime.impl.ReferenceFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.editlab.api.edit.EditRequest;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
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
class GraceEquivalenceTest {

    /** Keys and radii: one forward pass, float32. */
    static final double PASS = 1e-5;

    /** Values and losses: after 20 Adam steps at learning rate 1. */
    static final double TRAINED = 1e-4;

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
            List<EditRequest> edits = ReferenceFixtures.requests(spec.getAsJsonArray("edits"));
            for (int i = 0; i < edits.size(); i++) {
                EditRequest edit = edits.get(i);
                String what = "edit " + i + " (" + edit.prompt() + " -> " + edit.target() + ")";
                EditResult result = editor.apply(List.of(edit));
                EditorState state = editor.state(manager);
                List<String> labels = new ArrayList<>();
                spec.getAsJsonArray("edits")
                        .get(i)
                        .getAsJsonObject()
                        .getAsJsonArray("labels")
                        .forEach(l -> labels.add(l.getAsString()));
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
            }
            ReferenceFixtures.assertProbes(session, manager, spec.getAsJsonArray("probes"), expected, TRAINED);
            editor.close();
        }
    }
}
