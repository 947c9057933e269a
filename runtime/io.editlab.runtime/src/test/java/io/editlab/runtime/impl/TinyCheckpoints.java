package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes small random checkpoints in Hugging Face layout for tests. */
final class TinyCheckpoints {

    private TinyCheckpoints() {
    }

    static JsonObject gpt2Config(int layers, int hidden, int vocab, int positions) {
        JsonObject config = new JsonObject();
        config.addProperty("model_type", "gpt2");
        config.addProperty("n_layer", layers);
        config.addProperty("n_embd", hidden);
        config.addProperty("n_head", 2);
        config.addProperty("vocab_size", vocab);
        config.addProperty("n_positions", positions);
        return config;
    }

    /** Random tensors with the shapes {@code config} implies, keyed by checkpoint name. */
    static Map<String, NDArray> randomTensors(JsonObject config, NDManager manager) throws Exception {
        Architecture architecture = Architecture.of(config, Path.of("config.json"));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : architecture.parameters().entrySet()) {
            tensors.put(e.getKey(), manager.randomNormal(0, 0.02f, e.getValue(), ai.djl.ndarray.types.DataType.FLOAT32));
        }
        return tensors;
    }

    static Path write(Path folder, JsonObject config, Map<String, NDArray> tensors) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(Checkpoint.CONFIG), config.toString());
        Safetensors.write(folder.resolve(Checkpoint.SINGLE), tensors, Map.of("format", "pt"));
        return folder;
    }
}
