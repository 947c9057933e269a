package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.editlab.api.model.ModelHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DJL forward passes against {@link NaiveTransformer}, an independent plain-Java reference. */
class TransformerTest {

    static final double TOLERANCE = 1e-4;
    static final int[] TOKENS = {3, 7, 1, 9, 4, 4, 10, 2, 6, 0, 5};

    @TempDir
    Path dir;

    DjlRuntime runtime;
    NDManager scratch;

    @BeforeEach
    void start() {
        runtime = DjlRuntime.standalone("cpu");
        scratch = Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void stop() {
        scratch.close();
        runtime.deactivate();
    }

    private static Map<String, float[]> floats(Map<String, NDArray> tensors) {
        Map<String, float[]> flat = new LinkedHashMap<>();
        tensors.forEach((k, v) -> flat.put(k, v.toFloatArray()));
        return flat;
    }

    /** Checks the logits after every prefix of {@link #TOKENS}, position by position. */
    private static void assertMatches(ModelHandle model, float[][] expected) {
        for (int t = 0; t < TOKENS.length; t++) {
            float[] actual = model.nextTokenLogits(Arrays.copyOf(TOKENS, t + 1));
            double scale = 0;
            double error = 0;
            for (int v = 0; v < actual.length; v++) {
                scale = Math.max(scale, Math.abs(expected[t][v]));
                error = Math.max(error, Math.abs(actual[v] - expected[t][v]));
            }
            assertTrue(error / scale <= TOLERANCE, "position " + t + ": relative error " + error / scale);
        }
    }

    @Test
    void gpt2MatchesTheReference() throws Exception {
        JsonObject config = TinyCheckpoints.gpt2Config(3, 16, 11, 32);
        config.addProperty("n_head", 4);
        Map<String, NDArray> tensors = TinyCheckpoints.randomTensors(config, scratch, 0.3f);
        ModelHandle model = runtime.load("gpt2", TinyCheckpoints.write(dir.resolve("gpt2"), config, tensors));
        float[][] expected = NaiveTransformer.gpt2(floats(tensors), 3, 16, 4, 64, 11, 1e-5, TOKENS);
        assertMatches(model, expected);
    }

    @Test
    void llamaWithGroupedQueryAttentionMatchesTheReference() throws Exception {
        JsonObject config = TinyCheckpoints.llamaConfig(2, 16, 4, 2, 24, 11, false);
        Map<String, NDArray> tensors = TinyCheckpoints.randomTensors(config, scratch, 0.3f);
        ModelHandle model = runtime.load("llama", TinyCheckpoints.write(dir.resolve("llama"), config, tensors));
        float[][] expected =
                NaiveTransformer.llama(floats(tensors), 2, 16, 4, 2, 4, 24, 11, 1e-6, 10000, false, TOKENS);
        assertMatches(model, expected);
    }

    @Test
    void llamaWithATiedHeadMatchesTheReference() throws Exception {
        JsonObject config = TinyCheckpoints.llamaConfig(2, 16, 4, 4, 24, 11, true);
        Map<String, NDArray> tensors = TinyCheckpoints.randomTensors(config, scratch, 0.3f);
        ModelHandle model = runtime.load("tied", TinyCheckpoints.write(dir.resolve("tied"), config, tensors));
        assertEquals(false, tensors.containsKey("lm_head.weight"), "the checkpoint has no head of its own");
        float[][] expected = NaiveTransformer.llama(floats(tensors), 2, 16, 4, 4, 4, 24, 11, 1e-6, 10000, true, TOKENS);
        assertMatches(model, expected);
    }
}
