package io.editlab.memit.impl;

import static io.editlab.runtime.impl.ReferenceFixtures.assertClose;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.edit.Editor;
import io.editlab.api.model.EditSession;
import io.editlab.keystats.Corpus;
import io.editlab.keystats.KeyStatistics;
import io.editlab.runtime.impl.ReferenceFixtures;
import io.editlab.runtime.testing.Configs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MEMIT against the Python reference ({@code tools/reference/locate.py}, written from MEMIT's {@code
 * execute_memit}, {@code compute_ks}, {@code compute_z} and ROME's {@code layer_stats}, with the kit's
 * choices), on the fixture model: the key statistics of both blocks over a corpus file, then two calls
 * of two requests edited into both blocks (target values at block 1's output at the subject's last
 * token, the residual spread over the blocks, keys read on the model edited so far); after each
 * call both deltas and the target values' loss, after the last the probes. Skipped without fixtures.
 */
class MemitEquivalenceTest {

    /** float64 sums of float32 keys. */
    static final double MOMENT = 1e-6;

    /** After the target-value search (Adam steps) and the solves, float32. */
    static final double TRAINED = 1e-4;

    @Test
    void keyStatisticsAndTwoCallsAreTheReference(@TempDir Path cache) throws Exception {
        try (ReferenceFixtures fixtures = ReferenceFixtures.open();
                EditSession session = fixtures.model.openSession("memit-reference");
                NDManager manager = session.manager().newSubManager()) {
            JsonObject spec = fixtures.json("locate/memit.json");
            Map<String, NDArray> expected = fixtures.tensors(manager, "locate/memit.safetensors");
            Path corpus = fixtures.file("locate/" + spec.get("corpus").getAsString());
            for (JsonElement layer : spec.getAsJsonArray("layers")) {
                KeyStatistics.Stats stats = KeyStatistics.compute(
                        fixtures.model,
                        layer.getAsInt(),
                        Corpus.ofSentences("reference", Files.readAllLines(corpus)),
                        (stage, done, total) -> {});
                assertClose(
                        expected.get("moment." + layer.getAsInt()).toDoubleArray(),
                        stats.secondMoment(),
                        MOMENT,
                        "the key statistics of block " + layer.getAsInt());
            }
            Map<String, String> overrides = new HashMap<>(ReferenceFixtures.options(spec.getAsJsonObject("options")));
            overrides.put("corpus", corpus.toString());
            overrides.put("cache", cache.toString());
            Editor editor = new MemitMethod(Configs.defaults(MemitConfig.class), List.of()).create(session, overrides);
            ReferenceFixtures.assertCalls(session, editor, spec, expected, TRAINED);
            ReferenceFixtures.assertProbes(session, manager, spec.getAsJsonArray("probes"), expected, TRAINED);
            editor.close();
        }
    }
}
