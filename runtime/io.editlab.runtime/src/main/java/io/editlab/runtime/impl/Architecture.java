package io.editlab.runtime.impl;

import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModuleRole;
import io.editlab.api.model.WeightLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a checkpoint's {@code model_type} means: the parameters it must contain (names and shapes,
 * in Hugging Face {@code transformers} naming), how each linear weight is stored, and the modules
 * where adapters can be hooked.
 */
sealed interface Architecture permits Architecture.Gpt2, Architecture.GptJ, Architecture.Llama {

    /** The model type as written in {@code config.json}. */
    String modelType();

    int layers();

    /** The number of token embeddings. */
    int vocab();

    /** Every parameter the checkpoint must provide, in forward order. */
    Map<String, Shape> parameters();

    /** Parameters that may be absent because they are tied to another one: name -> source. */
    Map<String, String> tied();

    /** The canonical name of a checkpoint tensor name, or null for buffers that are not weights. */
    String canonical(String checkpointName);

    WeightLayout layout(String parameter);

    /** Hook points, in forward order. */
    List<String> modules();

    /** The name of a block's module in this architecture. */
    String module(int layer, ModuleRole role);

    /** The forward pass of this architecture. */
    Transformer transformer();

    /**
     * The hook point of {@code role} in block {@code layer} of an architecture whose blocks are named
     * {@code blocks + layer}, with the given attention and MLP linear suffixes.
     */
    private static String module(
            String blocks, int layer, int layers, ModuleRole role, String attention, String up, String down) {
        String b = blocks + checkLayer(layer, layers);
        return switch (role) {
            case BLOCK -> b;
            case ATTENTION -> b + attention;
            case MLP -> b + ".mlp";
            case MLP_UP -> b + up;
            case MLP_DOWN -> b + down;
        };
    }

    /** Every hook point in forward order: the embedding, then per block the modules {@link #module} names. */
    private static List<String> modules(
            String embedding, String blocks, int layers, String attention, String up, String down) {
        List<String> m = new ArrayList<>();
        m.add(embedding);
        for (int i = 0; i < layers; i++) {
            String b = blocks + i;
            m.addAll(List.of(b, b + attention, b + ".mlp", b + up, b + down));
        }
        return m;
    }

    private static int checkLayer(int layer, int layers) {
        if (layer < 0 || layer >= layers) {
            throw new IllegalArgumentException("layer " + layer + " is out of range: the model has " + layers);
        }
        return layer;
    }

    /** Most blocks a configuration may declare (the largest public models have about 130). */
    int MAX_LAYERS = 1024;
    /** Widest hidden state a configuration may declare. */
    int MAX_HIDDEN = 1 << 16;
    /** Widest MLP a configuration may declare. */
    int MAX_INNER = 1 << 20;
    /** Largest vocabulary a configuration may declare. */
    int MAX_VOCAB = 1 << 22;
    /** Longest context a configuration may declare. */
    int MAX_POSITIONS = 1 << 20;

    /** The number of parameters (a tied head counts once), from the configuration alone. */
    default long parameterCount() {
        Map<String, String> tied = tied();
        return parameters().entrySet().stream()
                .filter(p -> !tied.containsKey(p.getKey()))
                .mapToLong(p -> p.getValue().size())
                .sum();
    }

    /**
     * Reads a parsed {@code config.json}, checking every field it uses (type, range, divisibility,
     * known values) before anything is allocated.
     */
    static Architecture of(JsonObject config, Path file) throws ModelException {
        Json.choice(config, "torch_dtype", Set.of("float32", "float16", "bfloat16"), "float32", file);
        String type = Json.string(config, "model_type", file);
        return switch (type) {
            case "gpt2" -> Gpt2.of(config, file);
            case "gptj" -> GptJ.of(config, file);
            case "llama", "mistral" -> Llama.of(type, config, file);
            default -> throw new ModelException(
                    file + ": unknown model_type '" + type + "'; supported: gpt2, gptj, llama, mistral");
        };
    }

    /** GPT-2: learned positions, LayerNorm, {@code Conv1D} weights stored {@code [in, out]}. */
    record Gpt2(int layers, int hidden, int inner, int vocab, int positions, int heads, double eps)
            implements Architecture {

        static Gpt2 of(JsonObject config, Path file) throws ModelException {
            Json.choice(config, "activation_function", Set.of("gelu_new", "gelu_pytorch_tanh"), "gelu_new", file);
            int hidden = Json.integer(config, "n_embd", 1, MAX_HIDDEN, file);
            int ff = Json.optionalInteger(config, "n_inner", 4 * hidden, 1, MAX_INNER, file);
            int heads = Json.integer(config, "n_head", 1, hidden, file);
            if (hidden % heads != 0) {
                throw new ModelException(file + ": n_embd " + hidden + " is not divisible by n_head " + heads);
            }
            return new Gpt2(
                    Json.integer(config, "n_layer", 1, MAX_LAYERS, file),
                    hidden,
                    ff,
                    Json.integer(config, "vocab_size", 1, MAX_VOCAB, file),
                    Json.integer(config, "n_positions", 1, MAX_POSITIONS, file),
                    heads,
                    Json.positive(config, "layer_norm_epsilon", 1e-5, 1, file));
        }

        @Override
        public String module(int layer, ModuleRole role) {
            return Architecture.module("transformer.h.", layer, layers, role, ".attn", ".mlp.c_fc", ".mlp.c_proj");
        }

        @Override
        public Transformer transformer() {
            return new Gpt2Transformer(this);
        }

        @Override
        public String modelType() {
            return "gpt2";
        }

        @Override
        public Map<String, Shape> parameters() {
            Map<String, Shape> p = new LinkedHashMap<>();
            p.put("transformer.wte.weight", new Shape(vocab, hidden));
            p.put("transformer.wpe.weight", new Shape(positions, hidden));
            for (int i = 0; i < layers; i++) {
                String b = "transformer.h." + i + ".";
                p.put(b + "ln_1.weight", new Shape(hidden));
                p.put(b + "ln_1.bias", new Shape(hidden));
                p.put(b + "attn.c_attn.weight", new Shape(hidden, 3L * hidden));
                p.put(b + "attn.c_attn.bias", new Shape(3L * hidden));
                p.put(b + "attn.c_proj.weight", new Shape(hidden, hidden));
                p.put(b + "attn.c_proj.bias", new Shape(hidden));
                p.put(b + "ln_2.weight", new Shape(hidden));
                p.put(b + "ln_2.bias", new Shape(hidden));
                p.put(b + "mlp.c_fc.weight", new Shape(hidden, inner));
                p.put(b + "mlp.c_fc.bias", new Shape(inner));
                p.put(b + "mlp.c_proj.weight", new Shape(inner, hidden));
                p.put(b + "mlp.c_proj.bias", new Shape(hidden));
            }
            p.put("transformer.ln_f.weight", new Shape(hidden));
            p.put("transformer.ln_f.bias", new Shape(hidden));
            return p;
        }

        @Override
        public Map<String, String> tied() {
            return Map.of();
        }

        @Override
        public String canonical(String name) {
            if (name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias") || name.equals("lm_head.weight")) {
                return null; // causal-mask buffers; GPT-2's head is always the token embedding
            }
            return name.startsWith("transformer.") ? name : "transformer." + name;
        }

        @Override
        public WeightLayout layout(String parameter) {
            boolean conv1d = parameter.endsWith("c_attn.weight")
                    || parameter.endsWith("c_proj.weight")
                    || parameter.endsWith("c_fc.weight");
            return conv1d ? WeightLayout.IN_OUT : WeightLayout.NONE;
        }

        @Override
        public List<String> modules() {
            return Architecture.modules(
                    "transformer.wte", "transformer.h.", layers, ".attn", ".mlp.c_fc", ".mlp.c_proj");
        }
    }

    /**
     * GPT-J: attention and MLP side by side on one LayerNorm's output, rotary positions on the first
     * {@code rotaryDim} dimensions of each head (pairs of neighbouring dimensions rotated together),
     * {@code Linear} weights {@code [out, in]} without bias in attention, and a head with a bias.
     */
    record GptJ(int layers, int hidden, int inner, int vocab, int heads, int rotaryDim, double eps)
            implements Architecture {

        static GptJ of(JsonObject config, Path file) throws ModelException {
            Json.choice(config, "activation_function", Set.of("gelu_new"), "gelu_new", file);
            int hidden = Json.integer(config, "n_embd", 1, MAX_HIDDEN, file);
            int heads = Json.integer(config, "n_head", 1, hidden, file);
            if (hidden % heads != 0) {
                throw new ModelException(file + ": n_embd " + hidden + " is not divisible by n_head " + heads);
            }
            int rotary = Json.optionalInteger(
                    config, "rotary_dim", Math.min(64, hidden / heads), 2, hidden / heads, file); // HF's default: 64
            if (rotary % 2 != 0) {
                throw new ModelException(file + ": rotary_dim " + rotary + " must be even");
            }
            JsonElement tie = config.get("tie_word_embeddings");
            boolean untied = tie == null
                    || tie.isJsonNull()
                    || (tie.isJsonPrimitive() && tie.getAsJsonPrimitive().isBoolean() && !tie.getAsBoolean());
            if (!untied) {
                throw new ModelException(file + ": a GPT-J head tied to the embedding is not supported (found"
                        + " tie_word_embeddings " + Json.shortText(tie) + ")");
            }
            return new GptJ(
                    Json.integer(config, "n_layer", 1, MAX_LAYERS, file),
                    hidden,
                    Json.optionalInteger(config, "n_inner", 4 * hidden, 1, MAX_INNER, file),
                    Json.integer(config, "vocab_size", 1, MAX_VOCAB, file),
                    heads,
                    rotary,
                    Json.positive(config, "layer_norm_epsilon", 1e-5, 1, file));
        }

        int headDim() {
            return hidden / heads;
        }

        @Override
        public String module(int layer, ModuleRole role) {
            return Architecture.module("transformer.h.", layer, layers, role, ".attn", ".mlp.fc_in", ".mlp.fc_out");
        }

        @Override
        public Transformer transformer() {
            return new GptJTransformer(this);
        }

        @Override
        public String modelType() {
            return "gptj";
        }

        @Override
        public Map<String, Shape> parameters() {
            Map<String, Shape> p = new LinkedHashMap<>();
            p.put("transformer.wte.weight", new Shape(vocab, hidden));
            for (int i = 0; i < layers; i++) {
                String b = "transformer.h." + i + ".";
                p.put(b + "ln_1.weight", new Shape(hidden));
                p.put(b + "ln_1.bias", new Shape(hidden));
                for (String projection : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                    p.put(b + "attn." + projection + ".weight", new Shape(hidden, hidden));
                }
                p.put(b + "mlp.fc_in.weight", new Shape(inner, hidden));
                p.put(b + "mlp.fc_in.bias", new Shape(inner));
                p.put(b + "mlp.fc_out.weight", new Shape(hidden, inner));
                p.put(b + "mlp.fc_out.bias", new Shape(hidden));
            }
            p.put("transformer.ln_f.weight", new Shape(hidden));
            p.put("transformer.ln_f.bias", new Shape(hidden));
            p.put("lm_head.weight", new Shape(vocab, hidden));
            p.put("lm_head.bias", new Shape(vocab));
            return p;
        }

        @Override
        public Map<String, String> tied() {
            return Map.of();
        }

        @Override
        public String canonical(String name) {
            boolean buffer = name.endsWith(".attn.bias")
                    || name.endsWith(".attn.masked_bias")
                    || name.endsWith(".attn.embed_positions");
            return buffer ? null : name; // causal-mask and rotary-table buffers of older checkpoints
        }

        @Override
        public WeightLayout layout(String parameter) {
            boolean linear = parameter.endsWith("_proj.weight")
                    || parameter.endsWith(".fc_in.weight")
                    || parameter.endsWith(".fc_out.weight")
                    || parameter.equals("lm_head.weight");
            return linear ? WeightLayout.OUT_IN : WeightLayout.NONE;
        }

        @Override
        public List<String> modules() {
            return Architecture.modules(
                    "transformer.wte", "transformer.h.", layers, ".attn", ".mlp.fc_in", ".mlp.fc_out");
        }
    }

    /** LLaMA and Mistral: RMSNorm, rotary positions, SwiGLU, grouped-query attention, {@code Linear} weights. */
    record Llama(
            String modelType,
            int layers,
            int hidden,
            int inner,
            int vocab,
            int heads,
            int kvHeads,
            int headDim,
            boolean tiedHead,
            double eps,
            double ropeTheta)
            implements Architecture {

        static Llama of(String type, JsonObject config, Path file) throws ModelException {
            Json.choice(config, "hidden_act", Set.of("silu"), "silu", file);
            int hidden = Json.integer(config, "hidden_size", 1, MAX_HIDDEN, file);
            int heads = Json.integer(config, "num_attention_heads", 1, hidden, file);
            int kvHeads = Json.optionalInteger(config, "num_key_value_heads", heads, 1, heads, file);
            if (heads % kvHeads != 0) {
                throw new ModelException(file + ": num_attention_heads " + heads + " is not a multiple of"
                        + " num_key_value_heads " + kvHeads);
            }
            JsonElement scaling = config.get("rope_scaling");
            if (scaling != null && !scaling.isJsonNull()) {
                throw new ModelException(file + ": rope_scaling " + scaling + " is not supported yet");
            }
            JsonElement tie = config.get("tie_word_embeddings");
            if (tie != null
                    && !tie.isJsonNull()
                    && !(tie.isJsonPrimitive() && tie.getAsJsonPrimitive().isBoolean())) {
                throw new ModelException(
                        file + ": 'tie_word_embeddings' must be true or false, found " + Json.shortText(tie));
            }
            int headDim = Json.optionalInteger(config, "head_dim", Math.max(1, hidden / heads), 1, MAX_HIDDEN, file);
            if (!config.has("head_dim") && hidden % heads != 0) {
                throw new ModelException(file + ": hidden_size " + hidden + " is not divisible by num_attention_heads "
                        + heads + " (and no head_dim is given)");
            }
            if (headDim % 2 != 0) {
                throw new ModelException(file + ": the head size " + headDim + " must be even for rotary positions");
            }
            return new Llama(
                    type,
                    Json.integer(config, "num_hidden_layers", 1, MAX_LAYERS, file),
                    hidden,
                    Json.integer(config, "intermediate_size", 1, MAX_INNER, file),
                    Json.integer(config, "vocab_size", 1, MAX_VOCAB, file),
                    heads,
                    kvHeads,
                    headDim,
                    tie != null && !tie.isJsonNull() && tie.getAsBoolean(),
                    Json.positive(config, "rms_norm_eps", 1e-6, 1, file),
                    Json.positive(config, "rope_theta", 10000.0, 1e12, file));
        }

        @Override
        public String module(int layer, ModuleRole role) {
            return Architecture.module(
                    "model.layers.", layer, layers, role, ".self_attn", ".mlp.up_proj", ".mlp.down_proj");
        }

        @Override
        public Transformer transformer() {
            return new LlamaTransformer(this);
        }

        @Override
        public Map<String, Shape> parameters() {
            Map<String, Shape> p = new LinkedHashMap<>();
            p.put("model.embed_tokens.weight", new Shape(vocab, hidden));
            for (int i = 0; i < layers; i++) {
                String b = "model.layers." + i + ".";
                p.put(b + "input_layernorm.weight", new Shape(hidden));
                p.put(b + "self_attn.q_proj.weight", new Shape(heads * headDim, hidden));
                p.put(b + "self_attn.k_proj.weight", new Shape(kvHeads * headDim, hidden));
                p.put(b + "self_attn.v_proj.weight", new Shape(kvHeads * headDim, hidden));
                p.put(b + "self_attn.o_proj.weight", new Shape(hidden, heads * headDim));
                p.put(b + "post_attention_layernorm.weight", new Shape(hidden));
                p.put(b + "mlp.gate_proj.weight", new Shape(inner, hidden));
                p.put(b + "mlp.up_proj.weight", new Shape(inner, hidden));
                p.put(b + "mlp.down_proj.weight", new Shape(hidden, inner));
            }
            p.put("model.norm.weight", new Shape(hidden));
            p.put("lm_head.weight", new Shape(vocab, hidden));
            return p;
        }

        @Override
        public Map<String, String> tied() {
            return tiedHead ? Map.of("lm_head.weight", "model.embed_tokens.weight") : Map.of();
        }

        @Override
        public String canonical(String name) {
            return name.endsWith("rotary_emb.inv_freq") ? null : name;
        }

        @Override
        public WeightLayout layout(String parameter) {
            boolean linear = parameter.endsWith("_proj.weight") || parameter.equals("lm_head.weight");
            return linear ? WeightLayout.OUT_IN : WeightLayout.NONE;
        }

        @Override
        public List<String> modules() {
            return Architecture.modules(
                    "model.embed_tokens", "model.layers.", layers, ".self_attn", ".mlp.up_proj", ".mlp.down_proj");
        }
    }
}
