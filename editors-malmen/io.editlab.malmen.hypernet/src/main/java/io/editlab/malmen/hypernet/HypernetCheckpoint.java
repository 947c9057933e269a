package io.editlab.malmen.hypernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.editlab.api.edit.EditException;
import io.editlab.api.model.ForwardOptions.CaptureTokens;
import io.editlab.api.model.WeightLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link HyperNetwork}'s checkpoint folder: {@code config.json} (format, variant, the model and
 * modules it was trained for, the training record) and {@code hypernet.safetensors} (every tensor,
 * normalisation statistics included). Each file is written through a temporary file moved into
 * place, the tensors first.
 */
public final class HypernetCheckpoint {

    /** The checkpoint's configuration file. */
    public static final String CONFIG = "config.json";
    /** The checkpoint's tensor file. */
    public static final String TENSORS = "hypernet.safetensors";

    static final int FORMAT = 1;

    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    private HypernetCheckpoint() {}

    /**
     * Reads a checkpoint folder written by {@link #save}.
     *
     * @param parent the network's manager is a sub-manager of this one
     * @throws EditException naming the file and what is wrong with it
     */
    public static HyperNetwork load(Path folder, NDManager parent) throws EditException {
        Path configFile = folder.resolve(CONFIG);
        Path tensorFile = folder.resolve(TENSORS);
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(configFile, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new EditException(configFile + " does not exist: " + folder
                    + " is not a hyper-network folder written by train-hypernet");
        } catch (IOException | JsonParseException | IllegalStateException e) {
            throw new EditException(configFile + ": cannot read it: " + e.getMessage(), e);
        }
        HypernetConfig config;
        Map<String, String> training = new LinkedHashMap<>();
        try {
            config = configFrom(json);
            JsonObject record = json.has("training") ? json.getAsJsonObject("training") : new JsonObject();
            record.entrySet().forEach(e -> training.put(e.getKey(), e.getValue().getAsString()));
        } catch (RuntimeException e) {
            throw new EditException(configFile + ": " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(tensorFile);
                NDManager scratch = parent.newSubManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (NDArray array : NDList.decode(scratch, in)) {
                tensors.put(array.getName(), array);
            }
            return HyperNetwork.of(config, tensors, training, tensorFile, parent);
        } catch (NoSuchFileException e) {
            throw new EditException(tensorFile + " does not exist: " + folder + " is incomplete");
        } catch (IOException | RuntimeException e) {
            throw e instanceof IllegalArgumentException
                    ? new EditException(e.getMessage(), e)
                    : new EditException(tensorFile + ": cannot read it: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code network} into {@code folder} (created if needed) with {@code record}, what to
     * record about the training (epochs, scores), which replaces the network's previous record.
     */
    public static void save(HyperNetwork network, Path folder, Map<String, String> record) throws IOException {
        Files.createDirectories(folder);
        network.record(record);
        Path tensors = folder.resolve(TENSORS + ".tmp");
        try (NDManager scratch = network.manager().newSubManager()) {
            NDList list = new NDList();
            network.snapshot(scratch).forEach((name, copy) -> {
                copy.setName(name);
                list.add(copy);
            });
            try (OutputStream out = Files.newOutputStream(tensors)) {
                list.encode(out, NDList.Encoding.SAFETENSORS);
            }
        }
        Files.move(tensors, folder.resolve(TENSORS), StandardCopyOption.REPLACE_EXISTING);
        Path json = folder.resolve(CONFIG + ".tmp");
        Files.writeString(json, GSON.toJson(configJson(network)), StandardCharsets.UTF_8);
        Files.move(json, folder.resolve(CONFIG), StandardCopyOption.REPLACE_EXISTING);
    }

    private static JsonObject configJson(HyperNetwork network) {
        HypernetConfig config = network.config();
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("method", config.variant().id());
        JsonObject model = new JsonObject();
        model.addProperty("id", config.modelId());
        model.addProperty("type", config.modelType());
        json.add("model", model);
        json.addProperty("rank", config.rank());
        json.addProperty("blocks", config.blocks());
        json.addProperty("tokens", config.tokens().name());
        json.addProperty("lmBatchSize", config.lmBatchSize());
        JsonArray modules = new JsonArray();
        for (EditedModule m : config.modules()) {
            JsonObject o = new JsonObject();
            o.addProperty("module", m.module());
            o.addProperty("weight", m.weight());
            o.addProperty("layout", m.layout().name());
            o.addProperty("key", m.keySize());
            o.addProperty("value", m.valueSize());
            o.addProperty("group", m.group());
            o.addProperty("index", m.index());
            modules.add(o);
        }
        json.add("modules", modules);
        json.addProperty("parameters", network.parameterCount());
        JsonObject record = new JsonObject();
        network.training().forEach(record::addProperty);
        json.add("training", record);
        return json;
    }

    private static HypernetConfig configFrom(JsonObject json) {
        int format = integer(json, "format");
        if (format != FORMAT) {
            throw new IllegalArgumentException("format " + format + " is not supported (expected " + FORMAT + ")");
        }
        JsonObject model = json.getAsJsonObject("model");
        if (model == null) {
            throw new IllegalArgumentException("'model' is missing");
        }
        List<EditedModule> modules = new ArrayList<>();
        JsonArray list = json.getAsJsonArray("modules");
        if (list == null) {
            throw new IllegalArgumentException("'modules' is missing");
        }
        for (JsonElement e : list) {
            JsonObject o = e.getAsJsonObject();
            modules.add(new EditedModule(
                    text(o, "module"),
                    text(o, "weight"),
                    WeightLayout.valueOf(text(o, "layout")),
                    integer(o, "key"),
                    integer(o, "value"),
                    integer(o, "group"),
                    integer(o, "index")));
        }
        return new HypernetConfig(
                Variant.of(text(json, "method")),
                text(model, "id"),
                text(model, "type"),
                modules,
                integer(json, "rank"),
                integer(json, "blocks"),
                CaptureTokens.valueOf(text(json, "tokens")),
                integer(json, "lmBatchSize"));
    }

    private static String text(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw new IllegalArgumentException("'" + key + "' is missing");
        }
        return e.getAsString();
    }

    private static int integer(JsonObject o, String key) {
        try {
            return Integer.parseInt(text(o, key));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + key + "' must be a whole number, not " + o.get(key));
        }
    }
}
