package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.editlab.api.model.ModelException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model folders an outsider may point the runtime at: each is refused at once, naming what is wrong. */
class HostileModelFolderTest {

    @TempDir
    Path dir;

    DjlRuntime runtime;
    NDManager scratch;

    @BeforeEach
    void start() {
        runtime = DjlRuntime.standalone("cpu");
        scratch = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void stop() {
        scratch.close();
        runtime.deactivate();
    }

    /** A valid tiny model whose config.json is then replaced by {@code config}. */
    private Path folder(String name, JsonObject config) throws Exception {
        JsonObject valid = TinyCheckpoints.gpt2Config(2, 8, 11, 16);
        Path folder = TinyCheckpoints.write(dir.resolve(name), valid, TinyCheckpoints.randomTensors(valid, scratch));
        Files.writeString(folder.resolve("config.json"), config.toString());
        return folder;
    }

    private String refusal(String name, JsonObject config) throws Exception {
        Path folder = folder(name, config);
        ModelException error = assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> assertThrows(ModelException.class, () -> runtime.load("x", folder)));
        assertTrue(runtime.models().isEmpty(), "a refused folder leaves nothing loaded");
        return error.getMessage();
    }

    private static JsonObject with(String field, String json) {
        JsonObject config = TinyCheckpoints.gpt2Config(2, 8, 11, 16);
        config.add(field, JsonParser.parseString(json));
        return config;
    }

    @Test
    void anAbsurdLayerCountIsRefusedBeforeAnythingIsAllocated() throws Exception {
        assertTrue(refusal("layers", with("n_layer", "1000000")).contains("'n_layer' must be between 1 and 1024"));
        JsonObject llama = TinyCheckpoints.llamaConfig(2, 8, 2, 2, 16, 11, false);
        llama.addProperty("num_hidden_layers", 1_000_000);
        assertTrue(refusal("llama", llama).contains("'num_hidden_layers' must be between 1 and 1024"));
        String more = refusal("more", with("n_layer", "40"));
        assertTrue(more.contains("456 of the 484 tensors") && more.contains("missing"), more);
    }

    @Test
    void zeroNegativeOrNonWholeShapesAreRefusedNamingTheField() throws Exception {
        assertTrue(refusal("zero", with("n_head", "0")).contains("'n_head' must be between 1 and 8, found 0"));
        assertTrue(refusal("negative", with("n_head", "-4")).contains("'n_head' must be between 1 and 8, found -4"));
        assertTrue(refusal("odd", with("n_head", "3")).contains("not divisible by n_head 3"));
        assertTrue(refusal("half", with("n_embd", "8.5")).contains("'n_embd' must be a whole number"));
        assertTrue(refusal("huge", with("vocab_size", "1e400")).contains("'vocab_size' must be between"));
        assertTrue(refusal("text", with("n_positions", "\"16\"")).contains("'n_positions' must be a number"));
        assertTrue(refusal("eps", with("layer_norm_epsilon", "-1"))
                .contains("'layer_norm_epsilon' must be a number above 0"));
    }

    @Test
    void unknownActivationAndDtypeAreRefusedNotIgnored() throws Exception {
        assertTrue(refusal("act", with("activation_function", "\"relu\""))
                .contains("'activation_function' is \"relu\"; supported: gelu_new, gelu_pytorch_tanh"));
        assertTrue(refusal("dtype", with("torch_dtype", "\"int4\""))
                .contains("'torch_dtype' is \"int4\"; supported: bfloat16, float16, float32"));
    }

    @Test
    void aModelOverTheSizeLimitIsRefusedFromItsConfiguration() throws Exception {
        Path folder = folder("big", TinyCheckpoints.gpt2Config(2, 8, 11, 16));
        NDManager manager = scratch.newSubManager();
        ModelException error = assertThrows(
                ModelException.class,
                () -> Checkpoint.load(folder, manager, ai.djl.ndarray.types.DataType.FLOAT32, 100));
        assertTrue(
                error.getMessage().contains("a model of 1976 parameters; this runtime loads at most 100"),
                error.getMessage());
        assertEquals(0, manager.getManagedArrays().size(), "nothing was allocated");
        manager.close();
    }

    @Test
    void aFifoOrSymlinkLoopIsRefusedWithoutReadingIt() throws Exception {
        Path fifo = Files.createDirectories(dir.resolve("fifo"));
        assertEquals(
                0,
                new ProcessBuilder("mkfifo", fifo.resolve("config.json").toString())
                        .start()
                        .waitFor());
        ModelException error = assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> assertThrows(ModelException.class, () -> runtime.load("x", fifo)));
        assertTrue(error.getMessage().contains("not a regular file"), error.getMessage());
        Path loop = Files.createDirectories(dir.resolve("loop"));
        Files.createSymbolicLink(loop.resolve("config.json"), loop.resolve("config.json"));
        error = assertThrows(ModelException.class, () -> runtime.load("x", loop));
        assertTrue(error.getMessage().contains("cannot be read"), error.getMessage());
    }

    @Test
    void modelIdsFollowTheRule() throws Exception {
        Path folder = folder("ok", TinyCheckpoints.gpt2Config(2, 8, 11, 16));
        for (String id : List.of("", "a/b", "../x", "a\nb", "a\0b", ".hidden", "m".repeat(65))) {
            ModelException error = assertThrows(ModelException.class, () -> runtime.load(id, folder));
            assertTrue(error.getMessage().contains("the model id must be 1 to 64"), error.getMessage());
        }
        assertEquals("tiny-1.0_b", runtime.load("tiny-1.0_b", folder).info().id());
    }

    @Test
    void aSafetensorsHeaderWithNanOrANonArrayShapeIsRefused() throws Exception {
        for (String entry : List.of(
                "{\"dtype\":\"F32\",\"shape\":[NaN],\"data_offsets\":[0,4]}",
                "{\"dtype\":\"F32\",\"shape\":\"1\",\"data_offsets\":[0,4]}",
                "{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}",
                "{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}",
                "{\"dtype\":7,\"shape\":[1],\"data_offsets\":[0,4]}",
                "[1]")) {
            byte[] json = ("{\"w\":" + entry + "}").getBytes(StandardCharsets.UTF_8);
            Path file = dir.resolve("bad.safetensors");
            Files.write(
                    file,
                    ByteBuffer.allocate(8 + json.length + 4)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(json.length)
                            .put(json)
                            .putInt(0)
                            .array());
            ModelException error = assertThrows(ModelException.class, () -> Safetensors.open(file), entry);
            assertTrue(error.getMessage().contains("tensor 'w': malformed header entry"), error.getMessage());
        }
    }

    @Test
    void aLongTextIsNotCutShortByTheTokenizer() throws Exception {
        try (TextTokenizer tokenizer = TextTokenizer.of(
                TextTokenizer.wordLevel(TinyCheckpoints.WORDS, "<unk>"), dir, TinyCheckpoints.WORDS.size())) {
            int[] ids = tokenizer.encode("the ".repeat(600));
            assertEquals(600, ids.length);
            assertArrayEquals(new int[] {1, 1}, java.util.Arrays.copyOfRange(ids, 598, 600));
        }
    }
}
