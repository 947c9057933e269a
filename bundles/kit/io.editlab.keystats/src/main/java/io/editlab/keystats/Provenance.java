package io.editlab.keystats;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.editlab.api.model.ModelHandle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where key statistics come from: the model (id, and a fingerprint of its folder), the block and
 * module, the corpus (name and fingerprint of its texts) and how many tokens were seen.
 */
public record Provenance(
        String model,
        String modelFingerprint,
        int layer,
        String module,
        String corpus,
        String corpusFingerprint,
        long tokens) {

    /** What a cached file must match to be reused: model weights, module and corpus (not the model's id). */
    public String cacheKey() {
        return sha256(modelFingerprint + "\n" + layer + "\n" + module + "\n" + corpusFingerprint);
    }

    public JsonObject json() {
        JsonObject json = new JsonObject();
        json.addProperty("model", model);
        json.addProperty("model_fingerprint", modelFingerprint);
        json.addProperty("layer", layer);
        json.addProperty("module", module);
        json.addProperty("corpus", corpus);
        json.addProperty("corpus_fingerprint", corpusFingerprint);
        json.addProperty("tokens", tokens);
        return json;
    }

    static Provenance of(String text) {
        JsonObject json = JsonParser.parseString(text).getAsJsonObject();
        return new Provenance(
                json.get("model").getAsString(),
                json.get("model_fingerprint").getAsString(),
                json.get("layer").getAsInt(),
                json.get("module").getAsString(),
                json.get("corpus").getAsString(),
                json.get("corpus_fingerprint").getAsString(),
                json.get("tokens").getAsLong());
    }

    /**
     * A fingerprint of a model's weights without reading them: SHA-256 over its {@code config.json}
     * and, for each safetensors file, its name, size, modification time and header (names, shapes,
     * offsets). A model re-pretrained or replaced into the same folder gets a new one.
     */
    public static String fingerprint(ModelHandle model) {
        Path folder = model.info().source();
        if (!Files.isDirectory(folder)) {
            return sha256("no folder: " + model.info().id() + " " + model.info().parameterCount());
        }
        try (Stream<Path> files = Files.list(folder)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            List<Path> sorted = files.filter(f -> f.getFileName().toString().equals("config.json")
                            || f.getFileName().toString().endsWith(".safetensors"))
                    .sorted()
                    .toList();
            for (Path file : sorted) {
                digest.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                digest.update(Long.toString(Files.size(file)).getBytes(StandardCharsets.UTF_8));
                digest.update(Files.getLastModifiedTime(file).toString().getBytes(StandardCharsets.UTF_8));
                digest.update(head(file));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint the model folder " + folder + ": " + e.getMessage(), e);
        }
    }

    /** A config file whole; a safetensors file's length prefix and header. */
    private static byte[] head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            if (!file.getFileName().toString().endsWith(".safetensors")) {
                return in.readNBytes(1 << 20);
            }
            byte[] prefix = in.readNBytes(8);
            long length = prefix.length == 8
                    ? ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong()
                    : 0;
            byte[] header = in.readNBytes((int) Math.max(0, Math.min(length, 100L << 20)));
            return ByteBuffer.allocate(prefix.length + header.length)
                    .put(prefix)
                    .put(header)
                    .array();
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
