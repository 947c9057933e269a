package io.editlab.rome.impl;

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
 * ROME against the Python reference ({@code tools/reference/locate.py}, written from ROME's {@code
 * execute_rome}, {@code compute_u} and {@code compute_v}, with the kit's choices), on the fixture
 * model: two calls of two requests, each request alone a rank-one update of block 1's MLP output
 * projection (target value at that MLP's output at the subject's last token, the inverse key second
 * moment of a corpus file); after each call the delta and the mean of the target values' losses,
 * after the last the probes. Skipped without fixtures.
 */
class RomeEquivalenceTest {

    /** After the target-value search (Adam steps) and the update, float32. */
    static final double TRAINED = 1e-4;

    @Test
    void twoCallsOfRankOneUpdatesAreTheReference(@TempDir Path cache) throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("rome-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("locate/rome.json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "locate/rome.safetensors");
            Map<String, String> overrides = new HashMap<>(ReferenceFixtures.options(spec.getAsJsonObject("options")));
            overrides.put(
                    "corpus",
                    fixtures.file("locate/" + spec.get("corpus").getAsString()).toString());
            overrides.put("cache", cache.toString());
            Editor editor = new RomeMethod(Configs.defaults(RomeConfig.class), List.of()).create(session, overrides);
            ReferenceFixtures.assertCalls(session, editor, spec, expected, TRAINED);
            ReferenceFixtures.assertProbes(session, manager, spec.getAsJsonArray("probes"), expected, TRAINED);
            editor.close();
        }
    }
}
