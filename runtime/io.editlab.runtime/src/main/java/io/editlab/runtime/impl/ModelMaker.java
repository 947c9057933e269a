package io.editlab.runtime.impl;

import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.editlab.api.edit.ProgressListener;
import io.editlab.api.model.ModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Random checkpoints of published model layouts ({@code ./editlab make-model}): a Hugging Face folder
 * ({@code config.json}, safetensors shards with {@code model.safetensors.index.json} when there are
 * several, a word-level {@code tokenizer.json} of the layout's vocabulary size) whose parameters have
 * exactly the layout's names and shapes, for dry runs of memory and speed. Tensors are written
 * straight to disk in slices of {@link #SLICE} values, so the model is never held in memory.
 *
 * <p>Values: norm weights 1, biases 0, every other tensor normal with standard deviation 0.02 (the
 * usual initialisation), drawn per tensor from a generator seeded by the seed and the tensor's name,
 * so that the same seed gives the same values whatever the dtype and the number of shards (a
 * float16 or bfloat16 checkpoint is its float32 twin rounded to nearest even).
 */
final class ModelMaker {

    /** Values generated and written at a time. */
    static final int SLICE = 1 << 20;

    /** Standard deviation of the random weights. */
    static final double STD = 0.02;

    private ModelMaker() {}

    /** The layouts by name: each one's {@code config.json}, as its model card publishes it. */
    static Map<String, JsonObject> layouts() {
        Map<String, JsonObject> all = new TreeMap<>();
        all.put("gpt2", gpt2(768, 12, 12));
        all.put("gpt2-xl", gpt2(1600, 48, 25));
        all.put("gpt-j", gptj(4096, 28, 16, 64, 50400));
        all.put("tiny-gptj", gptj(64, 2, 4, 8, 96));
        all.put("llama-2-7b", llama("llama", 11008, 32, 32000, 4096, 10000.0));
        all.put("llama-3-8b", llama("llama", 14336, 8, 128256, 8192, 500000.0));
        all.put("mistral-7b", llama("mistral", 14336, 8, 32000, 32768, 10000.0));
        JsonObject tinyGpt2 = gpt2(64, 2, 4);
        tinyGpt2.addProperty("vocab_size", 96);
        tinyGpt2.addProperty("n_positions", 64);
        all.put("tiny-gpt2", tinyGpt2);
        JsonObject tinyLlama = llama("llama", 128, 2, 96, 64, 10000.0);
        tinyLlama.addProperty("hidden_size", 64);
        tinyLlama.addProperty("num_hidden_layers", 2);
        tinyLlama.addProperty("num_attention_heads", 4);
        all.put("tiny-llama", tinyLlama);
        return all;
    }

    /** A {@code config.json} naming its Hugging Face class and model type, to be filled in. */
    private static JsonObject config(String architecture, String modelType) {
        JsonObject c = new JsonObject();
        JsonArray architectures = new JsonArray();
        architectures.add(architecture);
        c.add("architectures", architectures);
        c.addProperty("model_type", modelType);
        return c;
    }

    private static JsonObject gpt2(int hidden, int layers, int heads) {
        JsonObject c = config("GPT2LMHeadModel", "gpt2");
        c.addProperty("n_embd", hidden);
        c.addProperty("n_layer", layers);
        c.addProperty("n_head", heads);
        c.addProperty("n_positions", 1024);
        c.addProperty("vocab_size", 50257);
        c.addProperty("layer_norm_epsilon", 1e-5);
        c.addProperty("activation_function", "gelu_new");
        return c;
    }

    private static JsonObject gptj(int hidden, int layers, int heads, int rotaryDim, int vocab) {
        JsonObject c = config("GPTJForCausalLM", "gptj");
        c.addProperty("n_embd", hidden);
        c.addProperty("n_layer", layers);
        c.addProperty("n_head", heads);
        c.addProperty("rotary_dim", rotaryDim);
        c.addProperty("n_positions", 2048);
        c.addProperty("vocab_size", vocab);
        c.addProperty("layer_norm_epsilon", 1e-5);
        c.addProperty("activation_function", "gelu_new");
        c.addProperty("tie_word_embeddings", false);
        return c;
    }

    private static JsonObject llama(String type, int inner, int kvHeads, int vocab, int positions, double theta) {
        JsonObject c = config(type.equals("mistral") ? "MistralForCausalLM" : "LlamaForCausalLM", type);
        c.addProperty("hidden_size", 4096);
        c.addProperty("intermediate_size", inner);
        c.addProperty("num_hidden_layers", 32);
        c.addProperty("num_attention_heads", 32);
        c.addProperty("num_key_value_heads", kvHeads);
        c.addProperty("vocab_size", vocab);
        c.addProperty("max_position_embeddings", positions);
        c.addProperty("rms_norm_eps", 1e-5);
        c.addProperty("rope_theta", theta);
        c.addProperty("hidden_act", "silu");
        c.addProperty("tie_word_embeddings", false);
        return c;
    }

    /** What was written. */
    record Made(Path folder, long parameters, long bytes, int shards) {}

    /**
     * Writes a random checkpoint of {@code layout} in {@code dtype} into {@code out} (created; must be
     * empty or absent).
     *
     * @throws IllegalArgumentException naming an unknown layout, an unsupported dtype, a shard count
     *     below 1 or above the tensor count, or an output folder that is not empty
     */
    static Made make(String layout, DataType dtype, int shards, Path out, long seed, ProgressListener progress)
            throws IOException {
        JsonObject config = layouts().get(layout);
        if (config == null) {
            throw new IllegalArgumentException(
                    "unknown layout '" + layout + "'; known: " + layouts().keySet());
        }
        String torchDtype =
                switch (dtype) {
                    case FLOAT32 -> "float32";
                    case FLOAT16 -> "float16";
                    case BFLOAT16 -> "bfloat16";
                    default -> throw new IllegalArgumentException(
                            "dtype must be float32, float16 or bfloat16, not " + dtype);
                };
        config.addProperty("torch_dtype", torchDtype);
        Architecture architecture;
        try {
            architecture = Architecture.of(config, out.resolve("config.json"));
        } catch (ModelException e) {
            throw new IllegalStateException(
                    "layout '" + layout + "' is not a valid configuration: " + e.getMessage(), e);
        }
        Map<String, Shape> tensors = new LinkedHashMap<>(architecture.parameters());
        architecture.tied().keySet().forEach(tensors::remove);
        if (shards < 1 || shards > tensors.size()) {
            throw new IllegalArgumentException("--shards must be from 1 to " + tensors.size() + ", not " + shards);
        }
        if (Files.exists(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalArgumentException(out + " is not empty: make-model writes into a new folder");
                }
            }
        }
        Files.createDirectories(out);
        int width = dtype.getNumOfBytes();
        long total = tensors.values().stream().mapToLong(Shape::size).sum();
        List<Map<String, Shape>> parts = split(tensors, shards, total);
        Map<String, String> weightMap = new LinkedHashMap<>();
        long written = 0;
        for (int s = 0; s < parts.size(); s++) {
            String file = parts.size() == 1
                    ? "model.safetensors"
                    : String.format("model-%05d-of-%05d.safetensors", s + 1, parts.size());
            for (String name : parts.get(s).keySet()) {
                weightMap.put(name, file);
            }
            written = writeShard(out.resolve(file), parts.get(s), dtype, seed, written, total, progress);
        }
        if (parts.size() > 1) {
            JsonObject index = new JsonObject();
            JsonObject metadata = new JsonObject();
            metadata.addProperty("total_size", total * width);
            index.add("metadata", metadata);
            JsonObject map = new JsonObject();
            weightMap.forEach(map::addProperty);
            index.add("weight_map", map);
            Files.writeString(out.resolve(Checkpoint.INDEX), pretty(index));
        }
        Files.writeString(out.resolve("config.json"), pretty(config));
        List<String> words = new ArrayList<>(List.of("<unk>"));
        for (int i = 1; i < architecture.vocab(); i++) {
            words.add("w" + i);
        }
        Files.writeString(out.resolve("tokenizer.json"), TextTokenizer.wordLevel(words, "<unk>"));
        return new Made(out, total, total * width, parts.size());
    }

    /** Consecutive tensors in {@code shards} groups of about equal size (none empty). */
    static List<Map<String, Shape>> split(Map<String, Shape> tensors, int shards, long total) {
        List<Map<String, Shape>> parts = new ArrayList<>();
        Map<String, Shape> current = new LinkedHashMap<>();
        long done = 0;
        int left = tensors.size();
        for (Map.Entry<String, Shape> t : tensors.entrySet()) {
            int partsLeft = shards - parts.size();
            boolean full = !current.isEmpty() && done >= total * (parts.size() + 1) / shards;
            if (partsLeft > 1 && (full || left < partsLeft)) {
                parts.add(current);
                current = new LinkedHashMap<>();
            }
            current.put(t.getKey(), t.getValue());
            done += t.getValue().size();
            left--;
        }
        parts.add(current);
        return parts;
    }

    private static long writeShard(
            Path file,
            Map<String, Shape> tensors,
            DataType dtype,
            long seed,
            long before,
            long total,
            ProgressListener progress)
            throws IOException {
        int width = dtype.getNumOfBytes();
        Map<String, Safetensors.Spec> specs = new LinkedHashMap<>();
        tensors.forEach((name, shape) -> specs.put(name, new Safetensors.Spec(dtype, shape)));
        long done = before;
        ByteBuffer slice = ByteBuffer.allocate(SLICE * width).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Safetensors.writeFully(channel, Safetensors.header(specs, Map.of()));
            for (Map.Entry<String, Shape> t : tensors.entrySet()) {
                String name = t.getKey();
                SplittableRandom random = new SplittableRandom(seed * 31 + name.hashCode());
                double constant = name.endsWith(".bias") ? 0 : isNorm(name) ? 1 : Double.NaN;
                long size = t.getValue().size();
                for (long from = 0; from < size; from += SLICE) {
                    int n = (int) Math.min(SLICE, size - from);
                    slice.clear();
                    for (int i = 0; i < n; i++) {
                        float v = (float) (Double.isNaN(constant) ? random.nextGaussian() * STD : constant);
                        switch (dtype) {
                            case FLOAT32 -> slice.putFloat(v);
                            case FLOAT16 -> slice.putShort(HalfFloats.toFloat16(v));
                            default -> slice.putShort(HalfFloats.toBfloat16(v));
                        }
                    }
                    Safetensors.writeFully(channel, slice.flip());
                    done += n;
                    progress.progress("writing " + file.getFileName(), done, total);
                }
            }
        }
        return done;
    }

    /** LayerNorm and RMSNorm weights: GPT-2's {@code ln_*}, LLaMA's {@code *layernorm}, {@code *norm}. */
    private static boolean isNorm(String name) {
        String module = name.substring(0, name.lastIndexOf('.'));
        String last = module.substring(module.lastIndexOf('.') + 1);
        return last.startsWith("ln_") || last.endsWith("norm");
    }

    private static String pretty(JsonObject json) {
        return new GsonBuilder().setPrettyPrinting().create().toJson(json);
    }
}
