package io.editlab.runtime.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.WeightLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DjlRuntimeTest {

    @TempDir
    Path dir;

    DjlRuntime runtime;
    NDManager scratch;

    @BeforeEach
    void start() {
        runtime = DjlRuntime.standalone("auto");
        scratch = ai.djl.engine.Engine.getEngine("PyTorch").newBaseManager();
    }

    @AfterEach
    void stop() {
        scratch.close();
        runtime.deactivate();
    }

    private Path tinyGpt2(String name) throws Exception {
        JsonObject config = TinyCheckpoints.gpt2Config(2, 8, 11, 16);
        return TinyCheckpoints.write(dir.resolve(name), config, TinyCheckpoints.randomTensors(config, scratch));
    }

    @Test
    void loadsAGpt2CheckpointWithLayoutsAndHookPoints() throws Exception {
        ModelHandle model = runtime.load("tiny", tinyGpt2("m"));
        assertEquals("gpt2", model.info().modelType());
        assertEquals("cpu()", runtime.device());
        // wte 11*8 + wpe 16*8 + per layer (4*8 + 8*24+24 + 8*8+8 + 8*32+32 + 32*8+8) + ln_f 16
        long perLayer = 4 * 8 + (8 * 24 + 24) + (8 * 8 + 8) + (8 * 32 + 32) + (32 * 8 + 8);
        assertEquals(11 * 8 + 16 * 8 + 2 * perLayer + 16, model.info().parameterCount());
        var proj = model.parameterInfo("transformer.h.1.mlp.c_proj.weight").orElseThrow();
        assertEquals(new Shape(32, 8), proj.shape());
        assertEquals(WeightLayout.IN_OUT, proj.layout());
        assertEquals(
                WeightLayout.NONE,
                model.parameterInfo("transformer.h.1.ln_2.bias").orElseThrow().layout());
        assertTrue(model.modules().contains("transformer.h.1.mlp.c_fc"));
        assertSame(model, runtime.model("tiny").orElseThrow());
        assertThrows(ModelException.class, () -> runtime.load("tiny", dir.resolve("m")), "ids are unique");
    }

    @Test
    void checkpointsWithoutTheTransformerPrefixAreAccepted() throws Exception {
        JsonObject config = TinyCheckpoints.gpt2Config(1, 8, 11, 16);
        Map<String, NDArray> bare = new LinkedHashMap<>();
        TinyCheckpoints.randomTensors(config, scratch)
                .forEach((k, v) -> bare.put(k.substring("transformer.".length()), v));
        ModelHandle model = runtime.load("bare", TinyCheckpoints.write(dir.resolve("bare"), config, bare));
        assertTrue(model.parameterInfo("transformer.wte.weight").isPresent());
    }

    @Test
    void sessionsAreIsolatedAndLeaveTheBaseUntouched() throws Exception {
        ModelHandle model = runtime.load("tiny", tinyGpt2("m"));
        String name = "transformer.h.0.mlp.c_proj.weight";
        float[] before = model.parameter(name).toFloatArray();
        EditSession a = model.openSession("a");
        EditSession b = model.openSession("b");
        a.delta(name).addi(1f);
        assertEquals(32 * 8, a.delta(name).sum().getFloat(), 1e-4, "a sees its own delta");
        assertTrue(b.deltas().isEmpty(), "b has no overlays");
        assertEquals(0f, b.delta(name).abs().sum().getFloat(), "b's delta starts at zero");
        assertArrayEquals(before, model.parameter(name).toFloatArray(), "the base is unchanged");
        NDArray copy = model.copyParameter(name, scratch);
        copy.addi(5f);
        assertArrayEquals(before, model.parameter(name).toFloatArray(), "a copy is private");
        assertEquals(2, model.sessions().size());
    }

    @Test
    void closingASessionFreesItsOverlays() throws Exception {
        ModelHandle model = runtime.load("tiny", tinyGpt2("m"));
        EditSession session = model.openSession("s");
        NDArray delta = session.delta("transformer.h.0.mlp.c_fc.weight");
        var registration = session.addAdapter("transformer.h.0.mlp", (ctx, in, out) -> out);
        assertEquals("transformer.h.0.mlp", registration.module());
        session.close();
        assertTrue(session.isClosed());
        assertTrue(delta.isReleased(), "the delta's memory is freed");
        assertTrue(model.sessions().isEmpty());
        assertThrows(IllegalStateException.class, () -> session.delta("transformer.h.0.mlp.c_fc.weight"));
        session.close(); // idempotent
    }

    @Test
    void unknownParametersAndHookPointsAreCallerErrors() throws Exception {
        EditSession session = runtime.load("tiny", tinyGpt2("m")).openSession("s");
        assertThrows(IllegalArgumentException.class, () -> session.delta("transformer.h.9.mlp.c_fc.weight"));
        assertThrows(IllegalArgumentException.class, () -> session.addAdapter("h.0.nowhere", (c, i, o) -> o));
    }

    @Test
    void unloadClosesEverySession() throws Exception {
        ModelHandle model = runtime.load("tiny", tinyGpt2("m"));
        EditSession session = model.openSession("s");
        assertTrue(runtime.unload("tiny"));
        assertTrue(session.isClosed());
        assertFalse(runtime.unload("tiny"));
        assertTrue(runtime.models().isEmpty());
    }

    @Test
    void aMissingTensorIsNamed() throws Exception {
        JsonObject config = TinyCheckpoints.gpt2Config(2, 8, 11, 16);
        Map<String, NDArray> tensors = TinyCheckpoints.randomTensors(config, scratch);
        tensors.remove("transformer.h.1.mlp.c_fc.bias");
        Path folder = TinyCheckpoints.write(dir.resolve("missing"), config, tensors);
        ModelException error = assertThrows(ModelException.class, () -> runtime.load("x", folder));
        assertTrue(error.getMessage().contains("transformer.h.1.mlp.c_fc.bias"), error.getMessage());
        assertTrue(runtime.models().isEmpty(), "a failed load leaves nothing behind");
    }

    @Test
    void aWrongShapeIsNamedWithBothShapes() throws Exception {
        JsonObject config = TinyCheckpoints.gpt2Config(1, 8, 11, 16);
        Map<String, NDArray> tensors = TinyCheckpoints.randomTensors(config, scratch);
        tensors.put("transformer.h.0.mlp.c_fc.weight", scratch.zeros(new Shape(32, 8)));
        Path folder = TinyCheckpoints.write(dir.resolve("shape"), config, tensors);
        ModelException error = assertThrows(ModelException.class, () -> runtime.load("x", folder));
        assertTrue(
                error.getMessage().contains("'transformer.h.0.mlp.c_fc.weight' has shape (32, 8)"), error.getMessage());
        assertTrue(error.getMessage().contains("(8, 32)"), error.getMessage());
    }

    @Test
    void unknownModelTypesAndPickleCheckpointsAreRefused() throws Exception {
        Path unknown = Files.createDirectories(dir.resolve("unknown"));
        Files.writeString(unknown.resolve("config.json"), "{\"model_type\": \"bert\"}");
        ModelException error = assertThrows(ModelException.class, () -> runtime.load("x", unknown));
        assertTrue(error.getMessage().contains("unknown model_type 'bert'"), error.getMessage());

        Path pickle = Files.createDirectories(dir.resolve("pickle"));
        Files.writeString(
                pickle.resolve("config.json"),
                TinyCheckpoints.gpt2Config(1, 8, 11, 16).toString());
        Files.write(pickle.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        error = assertThrows(ModelException.class, () -> runtime.load("x", pickle));
        assertTrue(
                error.getMessage().contains("never loaded")
                        && error.getMessage().contains("safetensors"),
                error.getMessage());
    }

    @Test
    void shardedCheckpointsLoadThroughTheirIndex() throws Exception {
        JsonObject config = TinyCheckpoints.gpt2Config(1, 8, 11, 16);
        Map<String, NDArray> tensors = TinyCheckpoints.randomTensors(config, scratch);
        Path folder = Files.createDirectories(dir.resolve("sharded"));
        Files.writeString(folder.resolve("config.json"), config.toString());
        Map<String, NDArray> first = new LinkedHashMap<>();
        Map<String, NDArray> second = new LinkedHashMap<>();
        JsonObject weightMap = new JsonObject();
        int i = 0;
        for (var e : tensors.entrySet()) {
            boolean one = i++ % 2 == 0;
            (one ? first : second).put(e.getKey(), e.getValue());
            weightMap.addProperty(
                    e.getKey(), one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
        }
        Safetensors.write(folder.resolve("model-00001-of-00002.safetensors"), first, Map.of());
        Safetensors.write(folder.resolve("model-00002-of-00002.safetensors"), second, Map.of());
        JsonObject index = new JsonObject();
        index.add("weight_map", weightMap);
        Files.writeString(folder.resolve("model.safetensors.index.json"), index.toString());

        ModelHandle model = runtime.load("sharded", folder);
        assertArrayEquals(
                tensors.get("transformer.h.0.attn.c_attn.weight").toFloatArray(),
                model.parameter("transformer.h.0.attn.c_attn.weight").toFloatArray());
    }

    @Test
    void deviceChoiceIsValidated() {
        assertEquals("cpu()", DjlRuntime.chooseDevice("auto", 0).toString());
        assertEquals("gpu(0)", DjlRuntime.chooseDevice("auto", 1).toString());
        assertThrows(IllegalArgumentException.class, () -> DjlRuntime.chooseDevice("gpu", 0));
        assertThrows(IllegalArgumentException.class, () -> DjlRuntime.chooseDevice("tpu", 0));
    }
}
