package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.editlab.api.model.Completion;
import io.editlab.api.model.ForwardOptions;
import io.editlab.api.model.ModelHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code make-model}: layouts' parameters, shards with an index, dtypes that round their float32 twin. */
class ModelMakerTest {

    static final List<Completion> TEXTS =
            List.of(new Completion("w1 w2 w3 w4", "w5 w6"), new Completion("w7 w8", "w9"));

    @TempDir
    static Path dir;

    static DjlRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = DjlRuntime.standalone("cpu");
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @Test
    void everyLayoutIsAValidConfigurationOfTheModelsItNames() throws Exception {
        assertEquals(
                List.of(
                        "gpt-j",
                        "gpt2",
                        "gpt2-xl",
                        "llama-2-7b",
                        "llama-3-8b",
                        "mistral-7b",
                        "tiny-gpt2",
                        "tiny-gptj",
                        "tiny-llama"),
                List.copyOf(ModelMaker.layouts().keySet()));
        long[] expected = {6_050_882_784L, 124_439_808L, 1_557_611_200L, 6_738_415_616L, 8_030_261_248L, 7_241_732_096L
        };
        String[] big = {"gpt-j", "gpt2", "gpt2-xl", "llama-2-7b", "llama-3-8b", "mistral-7b"};
        for (int i = 0; i < big.length; i++) {
            Architecture a = Architecture.of(ModelMaker.layouts().get(big[i]), Path.of(big[i]));
            assertEquals(expected[i], a.parameterCount(), big[i] + ": the published parameter count");
        }
    }

    @Test
    void shardsWithAnIndexLoadAsOneFileDoes() throws Exception {
        ModelMaker.Made one = make("tiny-llama", DataType.FLOAT32, 1, "one");
        ModelMaker.Made three = make("tiny-llama", DataType.FLOAT32, 3, "three");
        assertEquals(3, three.shards());
        assertTrue(Files.isRegularFile(three.folder().resolve(Checkpoint.INDEX)));
        assertFalse(Files.exists(one.folder().resolve(Checkpoint.INDEX)));
        assertEquals(one.bytes(), three.bytes());
        assertArrayEquals(logits(one.folder(), "one"), logits(three.folder(), "three"), "the same values");
    }

    @Test
    void float16AndBfloat16CheckpointsGiveTheirFloat32TwinsLogits() throws Exception {
        for (String layout : List.of("tiny-gpt2", "tiny-gptj", "tiny-llama")) {
            float[] full =
                    logits(make(layout, DataType.FLOAT32, 1, layout + "-f32").folder(), layout + "-f32");
            float[] half =
                    logits(make(layout, DataType.FLOAT16, 2, layout + "-f16").folder(), layout + "-f16");
            float[] brain =
                    logits(make(layout, DataType.BFLOAT16, 2, layout + "-bf16").folder(), layout + "-bf16");
            // weights rounded to 11 (float16) or 8 (bfloat16) significant bits: logits within a few of those units
            assertClose(full, half, 4e-3, layout + " float16");
            assertClose(full, brain, 3e-2, layout + " bfloat16");
        }
    }

    @Test
    void badRequestsAreRefusedNamingWhatIsWrong() throws Exception {
        IllegalArgumentException layout = assertThrows(
                IllegalArgumentException.class,
                () -> ModelMaker.make("gpt-5", DataType.FLOAT32, 1, dir.resolve("x"), 1, (s, d, t) -> {}));
        assertTrue(layout.getMessage().contains("unknown layout 'gpt-5'"), layout.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelMaker.make("tiny-gpt2", DataType.INT32, 1, dir.resolve("y"), 1, (s, d, t) -> {}));
        assertThrows(
                IllegalArgumentException.class,
                () -> ModelMaker.make("tiny-gpt2", DataType.FLOAT32, 0, dir.resolve("z"), 1, (s, d, t) -> {}));
        Path full = Files.createDirectories(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        IllegalArgumentException notEmpty = assertThrows(
                IllegalArgumentException.class,
                () -> ModelMaker.make("tiny-gpt2", DataType.FLOAT32, 1, full, 1, (s, d, t) -> {}));
        assertTrue(notEmpty.getMessage().contains("is not empty"), notEmpty.getMessage());
        assertEquals("mine", Files.readString(full.resolve("keep.txt")), "nothing of the user's is touched");
    }

    private static ModelMaker.Made make(String layout, DataType dtype, int shards, String name) throws Exception {
        return ModelMaker.make(layout, dtype, shards, dir.resolve(name), 7, (s, d, t) -> {});
    }

    private static float[] logits(Path folder, String id) throws Exception {
        ModelHandle model = runtime.load(id, folder);
        try (NDManager manager = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager()) {
            return model.forward(manager, TEXTS, ForwardOptions.INFERENCE)
                    .logits()
                    .toFloatArray();
        } finally {
            runtime.unload(id);
        }
    }

    /** Each value within {@code tolerance} times the largest magnitude of {@code expected}. */
    private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(worst <= tolerance * scale, what + ": largest difference " + worst + " of logits up to " + scale);
        assertTrue(worst > 0, what + ": the checkpoint is rounded, so some logit must differ");
    }
}
