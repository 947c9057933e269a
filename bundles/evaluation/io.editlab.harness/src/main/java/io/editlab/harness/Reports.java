package io.editlab.harness;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import io.editlab.harness.RunReport.Checkpoint;
import io.editlab.harness.RunReport.EditorReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Writes a {@link RunReport} as {@code results.json}, {@code results.csv} and a console table. */
public final class Reports {

    /** The headline columns of the side-by-side table, in order. */
    public static final List<String> HEADLINE = List.of(
            "reliability",
            "generalization",
            "locality",
            "retention",
            "portability",
            "seconds_per_edit",
            "peak_memory_bytes");

    private Reports() {}

    /** Writes {@code results.json} and {@code results.csv} into {@code folder}, creating it. */
    public static void write(RunReport report, Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(
                folder.resolve("results.json"),
                new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json(report)));
        Files.writeString(folder.resolve("results.csv"), csv(report));
    }

    /** The report in the {@code results.json} schema; numbers that are not finite become null. */
    public static JsonObject json(RunReport report) {
        JsonObject root = new JsonObject();
        JsonObject model = new JsonObject();
        model.addProperty("id", report.model().id());
        model.addProperty("type", report.model().modelType());
        model.addProperty("source", report.model().source().toString());
        model.addProperty("device", report.model().device());
        model.addProperty("parameters", report.model().parameterCount());
        root.add("model", model);
        JsonObject dataset = new JsonObject();
        dataset.addProperty("path", report.dataset().path());
        dataset.addProperty("format", report.dataset().format());
        dataset.addProperty("records", report.dataset().records());
        root.add("dataset", dataset);
        root.add("protocol", protocol(report.protocol()));
        JsonArray editors = new JsonArray();
        report.editors().forEach(editor -> editors.add(json(editor)));
        root.add("editors", editors);
        root.addProperty("seconds", report.seconds());
        return root;
    }

    /** One editor's object of {@code results.json}. */
    public static JsonObject json(EditorReport editor) {
        JsonObject e = new JsonObject();
        e.addProperty("name", editor.name());
        JsonObject config = new JsonObject();
        new TreeSet<>(editor.config().keySet())
                .forEach(key -> config.addProperty(key, editor.config().get(key)));
        e.add("config", config);
        e.addProperty("bundle", editor.bundle());
        e.addProperty("version", editor.version());
        e.addProperty("status", editor.status());
        e.addProperty("error", editor.error());
        e.add("final", values(editor.finalValues()));
        JsonArray checkpoints = new JsonArray();
        editor.checkpoints().forEach(checkpoint -> checkpoints.add(json(checkpoint)));
        e.add("checkpoints", checkpoints);
        return e;
    }

    /** A checkpoint as in {@code results.json}: {@code edits}, then the values. */
    public static JsonObject json(Checkpoint checkpoint) {
        JsonObject ordered = new JsonObject();
        ordered.addProperty("edits", checkpoint.edits());
        values(checkpoint.values()).entrySet().forEach(entry -> ordered.add(entry.getKey(), entry.getValue()));
        return ordered;
    }

    /** Reads back what {@link #json(EditorReport)} wrote (nulls become NaN). */
    public static EditorReport editor(JsonObject e) {
        Map<String, String> config = new LinkedHashMap<>();
        e.getAsJsonObject("config")
                .entrySet()
                .forEach(entry -> config.put(entry.getKey(), entry.getValue().getAsString()));
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (JsonElement c : e.getAsJsonArray("checkpoints")) {
            checkpoints.add(checkpoint(c.getAsJsonObject()));
        }
        return new EditorReport(
                e.get("name").getAsString(),
                config,
                e.get("bundle").getAsString(),
                e.get("version").getAsString(),
                e.get("status").getAsString(),
                e.get("error").isJsonNull() ? null : e.get("error").getAsString(),
                values(e.getAsJsonObject("final")),
                checkpoints);
    }

    /** Reads back what {@link #json(Checkpoint)} wrote. */
    public static Checkpoint checkpoint(JsonObject c) {
        Map<String, Double> values = values(c);
        values.remove("edits");
        return new Checkpoint(c.get("edits").getAsInt(), values);
    }

    /** Metric values of a JSON object: numbers, nulls as NaN. */
    private static Map<String, Double> values(JsonObject json) {
        Map<String, Double> values = new LinkedHashMap<>();
        json.entrySet()
                .forEach(entry -> values.put(
                        entry.getKey(),
                        entry.getValue().isJsonNull()
                                ? Double.NaN
                                : entry.getValue().getAsDouble()));
        return values;
    }

    private static JsonObject protocol(Protocol protocol) {
        JsonObject p = new JsonObject();
        p.addProperty("edits", protocol.edits());
        p.addProperty("batch", protocol.batchSize());
        p.addProperty("eval", protocol.evaluation().name().toLowerCase(Locale.ROOT));
        p.addProperty("order", protocol.order().name().toLowerCase(Locale.ROOT));
        p.addProperty("planner", protocol.planner());
        p.addProperty("seed", protocol.seed());
        p.addProperty("checkpoint_every", protocol.checkpointEvery());
        p.addProperty("rephrasings", protocol.rephrasings().word());
        p.addProperty("curve_sample", protocol.curves().sample());
        p.addProperty("collapse_floor", protocol.curves().collapseFloor());
        JsonArray scoring = new JsonArray();
        scoring.add("teacher_forced");
        if (protocol.generation()) {
            scoring.add("generation");
        }
        p.add("scoring", scoring);
        return p;
    }

    private static JsonObject values(Map<String, Double> values) {
        JsonObject json = new JsonObject();
        for (String key : HEADLINE) {
            json.add(key, number(values.get(key)));
        }
        new TreeSet<>(values.keySet())
                .stream().filter(k -> !HEADLINE.contains(k)).forEach(key -> json.add(key, number(values.get(key))));
        return json;
    }

    private static com.google.gson.JsonElement number(Double value) {
        return value == null || !Double.isFinite(value) ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(value);
    }

    /** One row per editor and point (each checkpoint, then {@code final}), one column per value. */
    public static String csv(RunReport report) {
        TreeSet<String> extra = new TreeSet<>();
        for (EditorReport editor : report.editors()) {
            extra.addAll(editor.finalValues().keySet());
            editor.checkpoints().forEach(c -> extra.addAll(c.values().keySet()));
        }
        extra.removeAll(HEADLINE);
        List<String> columns = new ArrayList<>(HEADLINE);
        columns.addAll(extra);
        StringBuilder csv = new StringBuilder("editor,status,point,")
                .append(String.join(",", columns))
                .append('\n');
        for (EditorReport editor : report.editors()) {
            for (Checkpoint checkpoint : editor.checkpoints()) {
                row(csv, editor, Integer.toString(checkpoint.edits()), checkpoint.values(), columns);
            }
            row(csv, editor, "final", editor.finalValues(), columns);
        }
        return csv.toString();
    }

    private static void row(
            StringBuilder csv, EditorReport editor, String point, Map<String, Double> values, List<String> columns) {
        csv.append(editor.name())
                .append(',')
                .append(editor.status())
                .append(',')
                .append(point);
        for (String column : columns) {
            Double value = values.get(column);
            csv.append(',').append(value == null || !Double.isFinite(value) ? "" : Double.toString(value));
        }
        csv.append('\n');
    }

    /** The side-by-side table of final values, for a terminal. */
    public static String table(RunReport report) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "%-10s %-7s", "editor", "status"));
        for (String column : HEADLINE) {
            text.append(String.format(Locale.ROOT, " %15s", column));
        }
        text.append('\n');
        for (EditorReport editor : report.editors()) {
            text.append(String.format(Locale.ROOT, "%-10s %-7s", editor.name(), editor.status()));
            for (String column : HEADLINE) {
                Double value = editor.finalValues().get(column);
                String cell = value == null || !Double.isFinite(value)
                        ? "-"
                        : column.equals("peak_memory_bytes")
                                ? String.format(Locale.ROOT, "%,d MB", (long) (value / (1 << 20)))
                                : String.format(Locale.ROOT, "%.3f", value);
                text.append(String.format(Locale.ROOT, " %15s", cell));
            }
            text.append('\n');
            if (editor.error() != null) {
                text.append("           error: ").append(editor.error()).append('\n');
            }
        }
        return text.toString();
    }
}
