package io.editlab.grid;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Reads a grid file (JSON) and enumerates its cells. Every error names the file and the key, e.g.
 * {@code grid.json: editors[1].config.lambda: must be a string, number or boolean}. The README's
 * "Experiment grids" section documents the format; in short:
 *
 * <pre>
 * {
 *   "name": "frontier",                          optional, default: the file's name
 *   "out": "results/frontier",                   optional output folder
 *   "editors": ["grace", {"method": "memit", "label": "memit-l5", "config": {"layers": "5"}}],
 *   "variants": {"file": {}, "shuffled": {"order": "shuffle"}},   optional named settings
 *   "bench": {"checkpoint": 10},                 optional bench options for every cell
 *   "models": ["builtin"], "data": ["builtin", {"path": "cf.json", "format": "counterfact"}],
 *   "edits": [200, 1000], "batch": [1, 20], "eval": ["final"], "seeds": [1, 2, 3]
 * }
 * </pre>
 *
 * Cells are the product of models, data, edits, batch, eval, variants, editors and seeds, in that
 * order (seeds vary fastest), numbered from 0. The index of a cell depends only on the file, never
 * on what has run; appending a model keeps every earlier index.
 */
public final class GridFile {

    /** The variant of a grid file that names none. */
    public static final String DEFAULT_VARIANT = "default";
    /** {@code bench} options a variant or the file's {@code bench} object may set. */
    public static final Set<String> OPTIONS = Set.of(
            "order", "checkpoint", "generation", "rephrasings", "metrics", "stream", "curve-sample", "collapse-floor");
    /** At most this many cells: a grid larger than this is a mistake or wants splitting. */
    public static final int MAX_CELLS = 100_000;

    private static final Set<String> KEYS =
            Set.of("name", "out", "editors", "variants", "bench", "models", "data", "edits", "batch", "eval", "seeds");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final com.google.gson.Gson STRICT = new com.google.gson.GsonBuilder()
            .setStrictness(com.google.gson.Strictness.STRICT)
            .create();
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]+");

    private final String file;

    private GridFile(String file) {
        this.file = file;
    }

    /** Reads and plans {@code path}. */
    public static Grid read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new GridFileException(path + ": no such file");
        }
        String name = path.getFileName().toString().replaceFirst("\\.json$", "");
        return parse(Files.readString(path), path.toString(), NAME.matcher(name).matches() ? name : "grid");
    }

    /**
     * Plans a grid from its text.
     *
     * @param text the JSON document
     * @param file the file's name for messages
     * @param defaultName the grid's name when the document gives none
     */
    public static Grid parse(String text, String file, String defaultName) {
        JsonElement root;
        try {
            root = STRICT.fromJson(text, JsonElement.class);
        } catch (JsonParseException e) {
            throw new GridFileException(file + ": not valid JSON: " + e.getMessage());
        }
        if (root == null) {
            throw new GridFileException(file + ": empty");
        }
        return new GridFile(file).grid(root, defaultName);
    }

    private Grid grid(JsonElement root, String defaultName) {
        JsonObject json = object(root, "the document");
        for (String key : json.keySet()) {
            if (!KEYS.contains(key)) {
                throw error(key, "unknown key (expected one of " + new java.util.TreeSet<>(KEYS) + ")");
            }
        }
        String name = json.has("name") ? name(json.get("name"), "name") : defaultName;
        String out = json.has("out") ? string(json.get("out"), "out") : null;
        List<Editor> editors = editors(json);
        Map<String, String> base = json.has("bench")
                ? options(json.get("bench"), "bench", false, editors).options()
                : Map.of();
        Map<String, Variant> variants = variants(json, editors);
        List<String> models = list(json, "models", List.of("builtin"), this::string);
        List<String[]> data = list(json, "data", List.<String[]>of(new String[] {"builtin", null}), this::data);
        List<Integer> edits = list(json, "edits", null, (e, key) -> positive(e, key));
        List<Integer> batches = list(json, "batch", List.of(1), (e, key) -> positive(e, key));
        List<String> evals = list(json, "eval", List.of("final"), (e, key) -> {
            String value = string(e, key);
            if (!value.equals("final") && !value.equals("each")) {
                throw error(key, "must be \"final\" or \"each\", not \"" + value + "\"");
            }
            return value;
        });
        List<Long> seeds = list(json, "seeds", List.of(7L), (e, key) -> {
            JsonPrimitive p = e.isJsonPrimitive() ? e.getAsJsonPrimitive() : null;
            if (p == null || !p.isNumber() || p.getAsDouble() != Math.rint(p.getAsDouble())) {
                throw error(key, "must be a whole number");
            }
            return p.getAsLong();
        });
        int smallest = edits.stream().mapToInt(Integer::intValue).min().orElseThrow();
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i) > smallest) {
                throw error(
                        "batch[" + i + "]",
                        "batch " + batches.get(i) + " is larger than the stream length " + smallest + " in edits");
            }
        }
        long count = (long) models.size()
                * data.size()
                * edits.size()
                * batches.size()
                * evals.size()
                * variants.size()
                * editors.size()
                * seeds.size();
        if (count > MAX_CELLS) {
            throw new GridFileException(file + ": " + count + " cells, more than " + MAX_CELLS + "; split the grid");
        }
        List<Cell> cells = new ArrayList<>();
        for (String model : models) {
            for (String[] set : data) {
                for (int t : edits) {
                    for (int b : batches) {
                        for (String eval : evals) {
                            for (Map.Entry<String, Variant> variant : variants.entrySet()) {
                                for (Editor editor : editors) {
                                    Map<String, String> config = new LinkedHashMap<>(editor.config());
                                    config.putAll(variant.getValue().config().getOrDefault(editor.label(), Map.of()));
                                    Map<String, String> options = new LinkedHashMap<>(base);
                                    options.putAll(variant.getValue().options());
                                    for (long seed : seeds) {
                                        cells.add(new Cell(
                                                cells.size(),
                                                editor.label(),
                                                editor.method(),
                                                config,
                                                variant.getKey(),
                                                options,
                                                model,
                                                set[0],
                                                set[1],
                                                t,
                                                b,
                                                eval,
                                                seed));
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Grid(name, file, out, cells);
    }

    private record Editor(String label, String method, Map<String, String> config) {}

    private record Variant(Map<String, Map<String, String>> config, Map<String, String> options) {}

    private List<Editor> editors(JsonObject json) {
        if (!json.has("editors")) {
            throw error("editors", "is required: a list of method ids or {\"method\": ..., \"config\": {...}}");
        }
        List<Editor> editors = list(json, "editors", null, (e, key) -> {
            if (e.isJsonPrimitive()) {
                String method = name(e, key);
                return new Editor(method, method, Map.of());
            }
            JsonObject editor = object(e, key);
            for (String k : editor.keySet()) {
                if (!Set.of("method", "label", "config").contains(k)) {
                    throw error(key + "." + k, "unknown key (expected method, label, config)");
                }
            }
            if (!editor.has("method")) {
                throw error(key + ".method", "is required");
            }
            String method = name(editor.get("method"), key + ".method");
            String label = editor.has("label") ? name(editor.get("label"), key + ".label") : method;
            Map<String, String> config =
                    editor.has("config") ? scalars(editor.get("config"), key + ".config") : Map.of();
            return new Editor(label, method, config);
        });
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < editors.size(); i++) {
            if (!labels.add(editors.get(i).label())) {
                throw error(
                        "editors[" + i + "]",
                        "label '" + editors.get(i).label()
                                + "' is used twice (give the same method a \"label\" of its own for each setting)");
            }
        }
        return editors;
    }

    private Map<String, Variant> variants(JsonObject json, List<Editor> editors) {
        if (!json.has("variants")) {
            return Map.of(DEFAULT_VARIANT, new Variant(Map.of(), Map.of()));
        }
        JsonObject variants = object(json.get("variants"), "variants");
        if (variants.isEmpty()) {
            throw error("variants", "is empty (leave it out for one default variant)");
        }
        Map<String, Variant> all = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : variants.entrySet()) {
            String key = "variants." + entry.getKey();
            if (!NAME.matcher(entry.getKey()).matches()) {
                throw error(key, "a variant's name takes letters, digits, '.', '_' and '-'");
            }
            all.put(entry.getKey(), options(entry.getValue(), key, true, editors));
        }
        return all;
    }

    /** A variant or the {@code bench} object: bench options and, for a variant, per-editor settings. */
    private Variant options(JsonElement element, String key, boolean variant, List<Editor> editors) {
        JsonObject json = object(element, key);
        Map<String, String> options = new LinkedHashMap<>();
        Map<String, Map<String, String>> config = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : json.entrySet()) {
            String k = key + "." + entry.getKey();
            if (variant && entry.getKey().equals("config")) {
                for (Map.Entry<String, String> setting :
                        scalars(entry.getValue(), k).entrySet()) {
                    int dot = setting.getKey().indexOf('.');
                    String editor = dot < 1 ? "" : setting.getKey().substring(0, dot);
                    if (editors.stream().noneMatch(e -> e.label().equals(editor))
                            || dot == setting.getKey().length() - 1) {
                        throw error(
                                k + "." + setting.getKey(),
                                "must be EDITOR.KEY with an editor of this grid "
                                        + editors.stream().map(Editor::label).toList());
                    }
                    config.computeIfAbsent(editor, e -> new LinkedHashMap<>())
                            .put(setting.getKey().substring(dot + 1), setting.getValue());
                }
            } else if (OPTIONS.contains(entry.getKey())) {
                options.put(entry.getKey(), scalar(entry.getValue(), k));
            } else {
                throw error(
                        k,
                        "unknown key (expected " + (variant ? "config, " : "") + new java.util.TreeSet<>(OPTIONS)
                                + ")");
            }
        }
        return new Variant(config, options);
    }

    private String[] data(JsonElement e, String key) {
        if (e.isJsonPrimitive()) {
            return new String[] {string(e, key), null};
        }
        JsonObject json = object(e, key);
        for (String k : json.keySet()) {
            if (!k.equals("path") && !k.equals("format")) {
                throw error(key + "." + k, "unknown key (expected path, format)");
            }
        }
        if (!json.has("path")) {
            throw error(key + ".path", "is required");
        }
        return new String[] {
            string(json.get("path"), key + ".path"),
            json.has("format") ? name(json.get("format"), key + ".format") : null
        };
    }

    /** A list under {@code key}, each element read by {@code element}; duplicates are errors. */
    private <T> List<T> list(
            JsonObject json, String key, List<T> fallback, BiFunction<JsonElement, String, T> element) {
        if (!json.has(key)) {
            if (fallback == null) {
                throw error(key, "is required");
            }
            return fallback;
        }
        if (!json.get(key).isJsonArray()) {
            throw error(key, "must be a list, e.g. [" + (key.equals("edits") ? "200" : "...") + "]");
        }
        JsonArray array = json.getAsJsonArray(key);
        if (array.isEmpty()) {
            throw error(key, "is empty");
        }
        List<T> values = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            T value = element.apply(array.get(i), key + "[" + i + "]");
            for (T earlier : values) {
                if (java.util.Objects.deepEquals(earlier, value)) {
                    throw error(key + "[" + i + "]", "repeats an earlier entry");
                }
            }
            values.add(value);
        }
        return values;
    }

    private Map<String, String> scalars(JsonElement element, String key) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> entry : object(element, key).entrySet()) {
            if (!KEY.matcher(entry.getKey()).matches()) {
                throw error(key + "." + entry.getKey(), "a setting's name takes letters, digits, '.', '_' and '-'");
            }
            values.put(entry.getKey(), scalar(entry.getValue(), key + "." + entry.getKey()));
        }
        return values;
    }

    private String scalar(JsonElement e, String key) {
        if (!e.isJsonPrimitive()) {
            throw error(key, "must be a string, number or boolean");
        }
        return e.getAsString();
    }

    private String string(JsonElement e, String key) {
        if (!e.isJsonPrimitive()
                || !e.getAsJsonPrimitive().isString()
                || e.getAsString().isBlank()) {
            throw error(key, "must be a non-empty string");
        }
        return e.getAsString();
    }

    private String name(JsonElement e, String key) {
        String value = string(e, key);
        if (!NAME.matcher(value).matches()) {
            throw error(key, "'" + value + "' is not a name (letters, digits, '.', '_', '-'; at most 64)");
        }
        return value;
    }

    private int positive(JsonElement e, String key) {
        JsonPrimitive p = e.isJsonPrimitive() ? e.getAsJsonPrimitive() : null;
        if (p == null
                || !p.isNumber()
                || p.getAsDouble() != Math.rint(p.getAsDouble())
                || p.getAsDouble() < 1
                || p.getAsDouble() > Integer.MAX_VALUE) {
            throw error(key, "must be a whole number of at least 1");
        }
        return p.getAsInt();
    }

    private JsonObject object(JsonElement e, String key) {
        if (e == null || !e.isJsonObject()) {
            throw error(key, "must be an object {...}");
        }
        return e.getAsJsonObject();
    }

    private GridFileException error(String key, String problem) {
        return new GridFileException(file + ": " + key + ": " + problem);
    }
}
