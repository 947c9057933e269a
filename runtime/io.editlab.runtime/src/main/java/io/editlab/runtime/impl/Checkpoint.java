package io.editlab.runtime.impl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.editlab.api.model.ModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A model folder in Hugging Face layout: {@code config.json} plus {@code model.safetensors} or the
 * shards listed in {@code model.safetensors.index.json}. Pickle checkpoints are refused: loading
 * them would run arbitrary code.
 */
record Checkpoint(Architecture architecture, Map<String, NDArray> parameters) {

    static final String CONFIG = "config.json";
    static final String SINGLE = "model.safetensors";
    static final String INDEX = "model.safetensors.index.json";

    private static final List<String> PICKLES = List.of(".bin", ".pt", ".pth", ".ckpt", ".pkl");

    /** Largest {@code config.json} or index file read, in bytes. */
    static final long MAX_JSON = 16L << 20;

    /**
     * Loads every parameter into {@code manager}, floating-point ones as {@code floatType} (null: each
     * in the checkpoint's own type). Everything
     * is checked before the first tensor is allocated: the configuration, that every file is a regular
     * file, the model's size against {@code maxParameters}, and every shard's header against the
     * tensors the configuration implies. On failure nothing loaded so far is kept: the caller closes
     * {@code manager}.
     */
    static Checkpoint load(Path folder, NDManager manager, DataType floatType, long maxParameters)
            throws ModelException {
        if (!Files.isDirectory(folder)) {
            throw new ModelException(folder + ": not a model folder (no such directory)");
        }
        Architecture architecture = Architecture.of(readJson(folder.resolve(CONFIG)), folder.resolve(CONFIG));
        long size = architecture.parameterCount();
        if (size > maxParameters) {
            throw new ModelException(folder.resolve(CONFIG) + ": the configuration describes a model of " + size
                    + " parameters; this runtime loads at most " + maxParameters + " (raise maxParameters in the"
                    + " io.editlab.runtime configuration)");
        }
        Map<String, Shape> expected = architecture.parameters();
        Map<String, Safetensors.Entry> entries = new LinkedHashMap<>();
        Map<String, Safetensors> files = new LinkedHashMap<>();
        for (Path shard : shards(folder)) {
            Safetensors file = Safetensors.open(shard);
            for (Safetensors.Entry entry : file.entries()) {
                String name = architecture.canonical(entry.name());
                if (name == null) {
                    continue;
                }
                Shape shape = expected.get(name);
                if (shape == null) {
                    throw new ModelException(shard + ": unexpected tensor '" + entry.name() + "' for model_type "
                            + architecture.modelType() + " as configured in " + CONFIG);
                }
                if (!shape.equals(entry.shape())) {
                    throw new ModelException(shard + ": tensor '" + entry.name() + "' has shape " + entry.shape()
                            + " but " + CONFIG + " implies " + shape);
                }
                if (entries.containsKey(name)) {
                    throw new ModelException(shard + ": tensor '" + entry.name() + "' appears in more than one shard");
                }
                entries.put(name, entry);
                files.put(name, file);
            }
        }
        Set<String> missing = new LinkedHashSet<>(expected.keySet());
        missing.removeAll(entries.keySet());
        architecture.tied().forEach((tiedName, source) -> {
            if (entries.containsKey(source)) {
                missing.remove(tiedName);
            }
        });
        if (!missing.isEmpty()) {
            List<String> some = new ArrayList<>(missing).subList(0, Math.min(5, missing.size()));
            throw new ModelException(folder + ": " + missing.size() + " of the " + expected.size() + " tensors that "
                    + CONFIG + " implies are missing from the checkpoint, e.g. " + some);
        }
        Map<String, NDArray> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Safetensors.Entry> entry : entries.entrySet()) {
            loaded.put(entry.getKey(), files.get(entry.getKey()).load(manager, entry.getValue(), floatType));
        }
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        for (String name : expected.keySet()) {
            String source =
                    loaded.containsKey(name) ? name : architecture.tied().get(name);
            ordered.put(name, loaded.get(source));
        }
        return new Checkpoint(architecture, Collections.unmodifiableMap(ordered));
    }

    private static List<Path> shards(Path folder) throws ModelException {
        Path single = folder.resolve(SINGLE);
        Path index = folder.resolve(INDEX);
        if (Files.exists(index)) {
            FolderFiles.requireRegular(index);
            JsonElement map = readJson(index).get("weight_map");
            if (map == null || !map.isJsonObject()) {
                throw new ModelException(index + ": missing 'weight_map'");
            }
            Set<Path> files = new LinkedHashSet<>();
            for (Map.Entry<String, JsonElement> e : map.getAsJsonObject().entrySet()) {
                if (!e.getValue().isJsonPrimitive()
                        || !e.getValue().getAsJsonPrimitive().isString()) {
                    throw new ModelException(index + ": 'weight_map' entry '" + e.getKey() + "' must be a file name");
                }
                Path shard = FolderFiles.resolve(folder, e.getValue().getAsString(), index);
                if (!shard.startsWith(folder.normalize()) || !Files.isRegularFile(shard)) {
                    throw new ModelException(index + ": tensor '" + e.getKey() + "' is in " + shard
                            + ", which does not exist in the model folder");
                }
                files.add(shard);
            }
            return List.copyOf(files);
        }
        if (Files.exists(single)) {
            FolderFiles.requireRegular(single);
            return List.of(single);
        }
        Path pickle = findPickle(folder);
        if (pickle != null) {
            throw new ModelException(pickle + ": pickle checkpoints are never loaded, because unpickling can run"
                    + " arbitrary code. Convert the model to safetensors, e.g. in Python with transformers:"
                    + " AutoModelForCausalLM.from_pretrained(dir).save_pretrained(out, safe_serialization=True)");
        }
        throw new ModelException(folder + ": no " + SINGLE + " or " + INDEX + " found");
    }

    private static Path findPickle(Path folder) throws ModelException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> PICKLES.stream()
                            .anyMatch(ext -> f.getFileName().toString().endsWith(ext)))
                    .findFirst()
                    .orElse(null);
        } catch (IOException e) {
            throw new ModelException(folder + ": cannot list: " + e.getMessage(), e);
        }
    }

    static JsonObject readJson(Path file) throws ModelException {
        try {
            return JsonParser.parseString(FolderFiles.readText(file, MAX_JSON)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new ModelException(file + ": not a JSON object: " + e.getMessage(), e);
        }
    }
}
