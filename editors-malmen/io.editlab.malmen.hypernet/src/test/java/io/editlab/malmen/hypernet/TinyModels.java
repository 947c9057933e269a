package io.editlab.malmen.hypernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small random checkpoints in Hugging Face layout for tests: a GPT-2 (Conv1D weights stored [in,
 * out]) and a LLaMA (Linear weights stored [out, in]) with a word-level tokenizer.
 */
public final class TinyModels {

    /** The test vocabulary: id = index. */
    public static final List<String> WORDS = List.of(
            "<unk>", "the", "capital", "of", "france", "is", "paris", "rome", "italy", "berlin", "germany", "spain",
            "madrid", "city", "a", ".");

    private TinyModels() {}

    /** A random GPT-2: 2 blocks of width 16, feed-forward 24. */
    public static Path gpt2(Path folder, NDManager manager) throws Exception {
        JsonObject config = new JsonObject();
        config.addProperty("model_type", "gpt2");
        config.addProperty("n_layer", 2);
        config.addProperty("n_embd", 16);
        config.addProperty("n_inner", 24);
        config.addProperty("n_head", 2);
        config.addProperty("vocab_size", WORDS.size());
        config.addProperty("n_positions", 16);
        Map<String, Shape> p = new LinkedHashMap<>();
        p.put("transformer.wte.weight", new Shape(WORDS.size(), 16));
        p.put("transformer.wpe.weight", new Shape(16, 16));
        for (int i = 0; i < 2; i++) {
            String b = "transformer.h." + i + ".";
            p.put(b + "ln_1.weight", new Shape(16));
            p.put(b + "ln_1.bias", new Shape(16));
            p.put(b + "attn.c_attn.weight", new Shape(16, 48));
            p.put(b + "attn.c_attn.bias", new Shape(48));
            p.put(b + "attn.c_proj.weight", new Shape(16, 16));
            p.put(b + "attn.c_proj.bias", new Shape(16));
            p.put(b + "ln_2.weight", new Shape(16));
            p.put(b + "ln_2.bias", new Shape(16));
            p.put(b + "mlp.c_fc.weight", new Shape(16, 24));
            p.put(b + "mlp.c_fc.bias", new Shape(24));
            p.put(b + "mlp.c_proj.weight", new Shape(24, 16));
            p.put(b + "mlp.c_proj.bias", new Shape(16));
        }
        p.put("transformer.ln_f.weight", new Shape(16));
        p.put("transformer.ln_f.bias", new Shape(16));
        return write(folder, config, p, manager);
    }

    /** A random LLaMA: 2 blocks of width 16, feed-forward 24, untied head. */
    public static Path llama(Path folder, NDManager manager) throws Exception {
        JsonObject config = new JsonObject();
        config.addProperty("model_type", "llama");
        config.addProperty("num_hidden_layers", 2);
        config.addProperty("hidden_size", 16);
        config.addProperty("num_attention_heads", 2);
        config.addProperty("num_key_value_heads", 2);
        config.addProperty("intermediate_size", 24);
        config.addProperty("vocab_size", WORDS.size());
        config.addProperty("rms_norm_eps", 1e-6);
        config.addProperty("rope_theta", 10000.0);
        config.addProperty("tie_word_embeddings", false);
        Map<String, Shape> p = new LinkedHashMap<>();
        p.put("model.embed_tokens.weight", new Shape(WORDS.size(), 16));
        for (int i = 0; i < 2; i++) {
            String b = "model.layers." + i + ".";
            p.put(b + "input_layernorm.weight", new Shape(16));
            p.put(b + "self_attn.q_proj.weight", new Shape(16, 16));
            p.put(b + "self_attn.k_proj.weight", new Shape(16, 16));
            p.put(b + "self_attn.v_proj.weight", new Shape(16, 16));
            p.put(b + "self_attn.o_proj.weight", new Shape(16, 16));
            p.put(b + "post_attention_layernorm.weight", new Shape(16));
            p.put(b + "mlp.gate_proj.weight", new Shape(24, 16));
            p.put(b + "mlp.up_proj.weight", new Shape(24, 16));
            p.put(b + "mlp.down_proj.weight", new Shape(16, 24));
        }
        p.put("model.norm.weight", new Shape(16));
        p.put("lm_head.weight", new Shape(WORDS.size(), 16));
        return write(folder, config, p, manager);
    }

    private static Path write(Path folder, JsonObject config, Map<String, Shape> shapes, NDManager manager)
            throws Exception {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("config.json"), config.toString());
        try (NDManager scratch = manager.newSubManager()) {
            NDList list = new NDList();
            for (Map.Entry<String, Shape> e : shapes.entrySet()) {
                boolean norm = e.getKey().contains("ln_") || e.getKey().contains("norm");
                NDArray noise = scratch.randomNormal(0, 0.3f, e.getValue(), DataType.FLOAT32);
                NDArray tensor =
                        norm && e.getKey().endsWith("weight") ? noise.mul(0.1f).add(1f) : noise;
                tensor.setName(e.getKey());
                list.add(tensor);
            }
            try (OutputStream out = Files.newOutputStream(folder.resolve("model.safetensors"))) {
                list.encode(out, NDList.Encoding.SAFETENSORS);
            }
        }
        Files.writeString(folder.resolve("tokenizer.json"), wordLevel());
        return folder;
    }

    private static String wordLevel() {
        JsonObject vocab = new JsonObject();
        for (int i = 0; i < WORDS.size(); i++) {
            vocab.addProperty(WORDS.get(i), i);
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        model.add("vocab", vocab);
        model.addProperty("unk_token", "<unk>");
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Whitespace");
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("added_tokens", new JsonArray());
        root.add("pre_tokenizer", pre);
        root.add("model", model);
        return root.toString();
    }
}
