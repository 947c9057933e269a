package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes small random checkpoints in Hugging Face layout for tests. */
final class TinyCheckpoints {

    private TinyCheckpoints() {}

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

    static JsonObject llamaConfig(int layers, int hidden, int heads, int kvHeads, int inner, int vocab, boolean tied) {
        JsonObject config = new JsonObject();
        config.addProperty("model_type", "llama");
        config.addProperty("num_hidden_layers", layers);
        config.addProperty("hidden_size", hidden);
        config.addProperty("num_attention_heads", heads);
        config.addProperty("num_key_value_heads", kvHeads);
        config.addProperty("intermediate_size", inner);
        config.addProperty("vocab_size", vocab);
        config.addProperty("rms_norm_eps", 1e-6);
        config.addProperty("rope_theta", 10000.0);
        config.addProperty("tie_word_embeddings", tied);
        return config;
    }

    /** Random tensors with the shapes {@code config} implies, keyed by checkpoint name. */
    static Map<String, NDArray> randomTensors(JsonObject config, NDManager manager) throws Exception {
        return randomTensors(config, manager, 0.02f);
    }

    /**
     * Random tensors of standard deviation {@code scale}; norm weights are 1 plus noise, so that
     * every weight matters to the output. A tied head is left out, as checkpoints do.
     */
    static Map<String, NDArray> randomTensors(JsonObject config, NDManager manager, float scale) throws Exception {
        Architecture architecture = Architecture.of(config, Path.of("config.json"));
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : architecture.parameters().entrySet()) {
            if (architecture.tied().containsKey(e.getKey())) {
                continue;
            }
            NDArray noise = manager.randomNormal(0, scale, e.getValue(), DataType.FLOAT32);
            boolean norm = e.getKey().contains("ln_") || e.getKey().contains("norm");
            tensors.put(e.getKey(), norm && e.getKey().endsWith("weight") ? noise.add(1f) : noise);
        }
        return tensors;
    }

    /** The words of the test vocabulary: id = index. */
    static final List<String> WORDS =
            List.of("<unk>", "the", "capital", "of", "france", "is", "paris", "rome", "italy", "berlin", ".");

    /** Writes a word-level tokenizer over {@link #WORDS} into {@code folder}. */
    static void writeTokenizer(Path folder) throws IOException {
        Files.writeString(folder.resolve(TextTokenizer.JSON), TextTokenizer.wordLevel(WORDS, "<unk>"));
    }

    static Path write(Path folder, JsonObject config, Map<String, NDArray> tensors) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(Checkpoint.CONFIG), config.toString());
        Safetensors.write(folder.resolve(Checkpoint.SINGLE), tensors, Map.of("format", "pt"));
        return folder;
    }
}
