package io.editlab.grid;

import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One run of a grid: one editor with one setting variant on one model, data set, stream length,
 * batch size, evaluation protocol and seed.
 *
 * @param index the cell's place in the grid, stable for a given grid file
 * @param editor the editor's label in the grid file (its method id unless the file names it)
 * @param method the editing method id
 * @param config the editor's settings (the editor's own, then the variant's)
 * @param variant the setting variant's name
 * @param options further {@code bench} options of the variant ({@code order}, {@code checkpoint}, ...)
 * @param model {@code builtin} or a model folder
 * @param data {@code builtin} or a data file
 * @param format the data file's format, or null to let the file say
 * @param edits the stream length T
 * @param batch edits per editing call
 * @param eval {@code final} or {@code each}
 * @param seed the run's seed
 */
public record Cell(
        int index,
        String editor,
        String method,
        Map<String, String> config,
        String variant,
        Map<String, String> options,
        String model,
        String data,
        String format,
        int edits,
        int batch,
        String eval,
        long seed) {

    public Cell {
        config = Map.copyOf(config);
        options = Map.copyOf(options);
    }

    /** The arguments of {@code ./editlab bench} for this cell, without {@code --out}. */
    public List<String> benchArguments() {
        List<String> args = new ArrayList<>(List.of("--model", model, "--data", data));
        if (format != null) {
            args.addAll(List.of("--format", format));
        }
        args.addAll(List.of(
                "--editors",
                method,
                "--edits",
                Integer.toString(edits),
                "--batch",
                Integer.toString(batch),
                "--eval",
                eval,
                "--seed",
                Long.toString(seed)));
        new TreeMap<>(options).forEach((key, value) -> args.addAll(List.of("--" + key, value)));
        new TreeMap<>(config)
                .forEach((key, value) -> args.addAll(List.of("--config", method + "." + key + "=" + value)));
        return args;
    }

    /** Everything but the seed: cells with the same setting are one row of the merged report. */
    public String setting() {
        return String.join(
                "|",
                editor,
                variant,
                model,
                data,
                String.valueOf(format),
                Integer.toString(edits),
                Integer.toString(batch),
                eval);
    }

    /** The setting a column of the merged report stands for: all but the editor and the seed. */
    public String protocol() {
        StringBuilder text = new StringBuilder();
        if (!variant.equals(GridFile.DEFAULT_VARIANT)) {
            text.append(variant).append(", ");
        }
        text.append(model)
                .append(" on ")
                .append(data)
                .append(format == null ? "" : " (" + format + ")")
                .append(", T=")
                .append(edits)
                .append(", batch ")
                .append(batch)
                .append(", eval ")
                .append(eval);
        new TreeMap<>(options)
                .forEach((key, value) ->
                        text.append(", ").append(key).append(' ').append(value));
        return text.toString();
    }

    /** A line for people: {@code memit [default] builtin/builtin T=200 b=20 final seed 7}. */
    public String describe() {
        return String.format(
                java.util.Locale.ROOT,
                "%s [%s] %s/%s T=%d b=%d %s seed %d",
                editor,
                variant,
                model,
                data,
                edits,
                batch,
                eval,
                seed);
    }

    /** The cell as stored in {@code grid.json}. */
    public JsonObject json() {
        JsonObject json = new JsonObject();
        json.addProperty("index", index);
        json.addProperty("editor", editor);
        json.addProperty("method", method);
        json.add("config", map(config));
        json.addProperty("variant", variant);
        json.add("options", map(options));
        json.addProperty("model", model);
        json.addProperty("data", data);
        json.addProperty("format", format);
        json.addProperty("edits", edits);
        json.addProperty("batch", batch);
        json.addProperty("eval", eval);
        json.addProperty("seed", seed);
        return json;
    }

    /** Reads what {@link #json()} wrote. */
    public static Cell of(JsonObject json) {
        return new Cell(
                json.get("index").getAsInt(),
                json.get("editor").getAsString(),
                json.get("method").getAsString(),
                strings(json.getAsJsonObject("config")),
                json.get("variant").getAsString(),
                strings(json.getAsJsonObject("options")),
                json.get("model").getAsString(),
                json.get("data").getAsString(),
                json.get("format").isJsonNull() ? null : json.get("format").getAsString(),
                json.get("edits").getAsInt(),
                json.get("batch").getAsInt(),
                json.get("eval").getAsString(),
                json.get("seed").getAsLong());
    }

    private static JsonObject map(Map<String, String> values) {
        JsonObject json = new JsonObject();
        new TreeMap<>(values).forEach(json::addProperty);
        return json;
    }

    private static Map<String, String> strings(JsonObject json) {
        Map<String, String> values = new LinkedHashMap<>();
        json.entrySet()
                .forEach(entry -> values.put(entry.getKey(), entry.getValue().getAsString()));
        return values;
    }
}
