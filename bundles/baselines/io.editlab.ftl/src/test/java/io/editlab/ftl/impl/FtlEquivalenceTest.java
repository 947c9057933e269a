package io.editlab.ftl.impl;

import static io.editlab.runtime.impl.ReferenceFixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.edit.EditResult;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.runtime.impl.ReferenceFixtures;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * FT-L against the Python reference ({@code tools/reference/ftl.py}, written from ROME's {@code
 * baselines/ft/ft_main.py} with this editor's choices), on the fixture model: two apply calls (three
 * and two edits, mini-batches of two, six passes, the norm constraint active). After each, the delta,
 * the last pass's loss, the passes and the steps equal the reference's; after the last, so do the
 * probes' log-probabilities. Skipped without fixtures.
 */
class FtlEquivalenceTest {

    /** After up to twelve Adam steps, float32. */
    static final double TRAINED = 1e-4;

    @Test
    void twoCallsTuneTheWeightAsTheReferenceDoes() throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("ftl-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("ftl/ftl.json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "ftl/ftl.safetensors");
            Editor editor = new FtlMethod(TinyModel.defaults())
                    .create(session, ReferenceFixtures.options(spec.getAsJsonObject("options")));
            String weight = spec.get("weight").getAsString();
            int i = 0;
            for (JsonElement c : spec.getAsJsonArray("calls")) {
                JsonObject call = c.getAsJsonObject();
                EditResult result = editor.apply(ReferenceFixtures.requests(call.getAsJsonArray("edits")));
                String what = "call " + i;
                assertEquals(call.get("steps").getAsDouble(), result.stats().get("steps"), what + ": passes");
                assertEquals(call.get("updates").getAsDouble(), result.stats().get("updates"), what + ": steps taken");
                assertClose(
                        new float[] {call.get("final_loss").getAsFloat()},
                        new float[] {result.stats().get("final_loss").floatValue()},
                        TRAINED,
                        what + ": the last pass's loss");
                assertClose(
                        expected.get(i + ".delta").toFloatArray(),
                        session.delta(weight).toFloatArray(),
                        TRAINED,
                        what + ": the delta of " + weight);
                i++;
            }
            ReferenceFixtures.assertProbes(session, manager, spec.getAsJsonArray("probes"), expected, TRAINED);
            editor.close();
        }
    }
}
