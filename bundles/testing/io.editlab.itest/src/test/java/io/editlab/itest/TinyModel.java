package io.editlab.itest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a tiny GPT-2 checkpoint in Hugging Face layout with deterministic values, byte by byte,
 * independent of the runtime's own safetensors code.
 */
final class TinyModel {

    static final int LAYERS = 2;
    static final int HIDDEN = 8;
    static final int VOCAB = 13;
    static final int POSITIONS = 16;

    private TinyModel() {}

    static Path write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(
                folder.resolve("config.json"),
                "{\"model_type\":\"gpt2\",\"n_layer\":" + LAYERS + ",\"n_embd\":" + HIDDEN
                        + ",\"n_head\":2,\"vocab_size\":" + VOCAB + ",\"n_positions\":" + POSITIONS + "}");
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new int[] {VOCAB, HIDDEN});
        shapes.put("wpe.weight", new int[] {POSITIONS, HIDDEN});
        for (int i = 0; i < LAYERS; i++) {
            String b = "h." + i + ".";
            shapes.put(b + "ln_1.weight", new int[] {HIDDEN});
            shapes.put(b + "ln_1.bias", new int[] {HIDDEN});
            shapes.put(b + "attn.c_attn.weight", new int[] {HIDDEN, 3 * HIDDEN});
            shapes.put(b + "attn.c_attn.bias", new int[] {3 * HIDDEN});
            shapes.put(b + "attn.c_proj.weight", new int[] {HIDDEN, HIDDEN});
            shapes.put(b + "attn.c_proj.bias", new int[] {HIDDEN});
            shapes.put(b + "ln_2.weight", new int[] {HIDDEN});
            shapes.put(b + "ln_2.bias", new int[] {HIDDEN});
            shapes.put(b + "mlp.c_fc.weight", new int[] {HIDDEN, 4 * HIDDEN});
            shapes.put(b + "mlp.c_fc.bias", new int[] {4 * HIDDEN});
            shapes.put(b + "mlp.c_proj.weight", new int[] {4 * HIDDEN, HIDDEN});
            shapes.put(b + "mlp.c_proj.bias", new int[] {HIDDEN});
        }
        shapes.put("ln_f.weight", new int[] {HIDDEN});
        shapes.put("ln_f.bias", new int[] {HIDDEN});

        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            long bytes = 4L * count(e.getValue());
            header.append(header.length() > 1 ? "," : "")
                    .append('"')
                    .append(e.getKey())
                    .append("\":{\"dtype\":\"F32\",")
                    .append("\"shape\":[")
                    .append(e.getValue()[0])
                    .append(e.getValue().length > 1 ? "," + e.getValue()[1] : "")
                    .append("],\"data_offsets\":[")
                    .append(offset)
                    .append(',')
                    .append(offset + bytes)
                    .append("]}");
            offset += bytes;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer file = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(json.length).put(json);
        int k = 0;
        for (int[] shape : shapes.values()) {
            for (int i = 0; i < count(shape); i++) {
                file.putFloat(value(k++));
            }
        }
        Files.write(folder.resolve("model.safetensors"), file.array());
        Files.writeString(folder.resolve("tokenizer.json"), tokenizer());
        return folder;
    }

    /** The words of the word-level vocabulary, one per token id. */
    static final String[] WORDS = {
        "[UNK]", "The", "sky", "is", "grass", "sea", "snow", "green", "blue", "white", "red", "and", "."
    };

    /** A word-level Hugging Face {@code tokenizer.json} over {@link #WORDS}, written by hand. */
    private static String tokenizer() {
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < WORDS.length; i++) {
            vocab.append(i == 0 ? "" : ",")
                    .append('"')
                    .append(WORDS[i])
                    .append("\":")
                    .append(i);
        }
        return "{\"version\":\"1.0\",\"added_tokens\":[],\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
                + "\"model\":{\"type\":\"WordLevel\",\"vocab\":{" + vocab + "},\"unk_token\":\"[UNK]\"}}";
    }

    /** The value of the k-th float written, in checkpoint order. */
    static float value(int k) {
        return (float) Math.sin(k * 0.37) * 0.05f;
    }

    private static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
