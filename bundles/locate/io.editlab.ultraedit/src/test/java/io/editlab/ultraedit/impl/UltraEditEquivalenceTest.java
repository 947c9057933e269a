package io.editlab.ultraedit.impl;

import static io.editlab.runtime.impl.ReferenceFixtures.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.EditSession;
import io.editlab.runtime.impl.ReferenceFixtures;
import java.util.ArrayList;
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
class UltraEditEquivalenceTest {

    /** Captured keys and gradients, float32, then float64 statistics and solves. */
    static final double RELATIVE = 1e-4;

    static double[] doubles(NDArray array) {
        return array.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    @Test
    void threeCallsShiftTheWeightsAsTheReferenceDoes() throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("ultraedit-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("ultraedit/ultraedit.json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "ultraedit/ultraedit.safetensors");
            Editor editor = UltraEditorTest.method()
                    .create(session, ReferenceFixtures.options(spec.getAsJsonObject("options")));
            List<String> modules = new ArrayList<>();
            spec.getAsJsonArray("modules").forEach(m -> modules.add(m.getAsString()));
            int i = 0;
            for (JsonElement c : spec.getAsJsonArray("calls")) {
                JsonObject call = c.getAsJsonObject();
                EditResult result = editor.apply(ReferenceFixtures.requests(call.getAsJsonArray("edits")));
                String what = "call " + i;
                assertClose(
                        new double[] {call.get("loss").getAsDouble()},
                        new double[] {result.stats().get("loss")},
                        RELATIVE,
                        what + ": the loss before it");
                EditorState state = editor.state(manager);
                NDArray statistics = state.tensors().values().iterator().next();
                assertClose(
                        doubles(expected.get(i + ".statistics")),
                        doubles(statistics),
                        RELATIVE,
                        what + ": running statistics");
                for (String module : modules) {
                    assertClose(
                            doubles(expected.get(i + "." + module + ".delta")),
                            doubles(session.delta(module + ".weight")),
                            RELATIVE,
                            what + ": the delta of " + module);
                }
                i++;
            }
            ReferenceFixtures.assertProbes(session, manager, spec.getAsJsonArray("probes"), expected, RELATIVE);
            editor.close();
        }
    }
}
