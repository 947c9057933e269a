package io.editlab.alphaedit.impl;

import static io.editlab.runtime.impl.ReferenceFixtures.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.runtime.impl.ReferenceFixtures;
import io.editlab.runtime.testing.Configs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AlphaEdit against the Python reference ({@code tools/reference/locate.py}, written from AlphaEdit's
 * {@code AlphaEdit_main.py} on MEMIT's procedure, with the kit's choices), on the fixture model: two
 * calls of two requests edited into block 0 at the subject's last token, each update projected onto the null space of a
 * corpus file's keys (the reference picks a threshold between two eigenvalues, far from all) and
 * asked to keep the first call's keys in the second; after each call the delta and the target
 * values' loss, after the last the remembered keys' sum and the probes. Skipped without fixtures.
 */
class AlphaEditEquivalenceTest {

    /** After the target-value search (Adam steps) and the update, float32. */
    static final double TRAINED = 1e-4;

    @Test
    void twoCallsOfProjectedUpdatesAreTheReference(@TempDir Path cache) throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("alphaedit-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("locate/alphaedit.json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "locate/alphaedit.safetensors");
            Map<String, String> overrides = new HashMap<>(ReferenceFixtures.options(spec.getAsJsonObject("options")));
            overrides.put(
                    "corpus",
                    fixtures.file("locate/" + spec.get("corpus").getAsString()).toString());
            overrides.put("cache", cache.toString());
            Editor editor =
                    new AlphaEditMethod(Configs.defaults(AlphaEditConfig.class), List.of()).create(session, overrides);
            ReferenceFixtures.assertCalls(session, editor, spec, expected, TRAINED);
            Map<String, NDArray> memory = editor.state(manager).tensors();
            for (int i = 0; i < spec.getAsJsonArray("layers").size(); i++) {
                assertClose(
                        expected.get("previous." + i).toDoubleArray(),
                        memory.get(AlphaEditRule.PREVIOUS + i).toDoubleArray(),
                        TRAINED,
                        "the earlier edits' keys K^T K of edited block " + i);
            }
            ReferenceFixtures.assertProbes(session, manager, spec.getAsJsonArray("probes"), expected, TRAINED);
            editor.close();
        }
    }
}
