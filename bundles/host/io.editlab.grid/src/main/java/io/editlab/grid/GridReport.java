package io.editlab.grid;

import static io.editlab.harness.HtmlReport.escape;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.editlab.harness.HtmlReport;
import io.editlab.harness.Reports;
import io.editlab.harness.RunReport.Checkpoint;
import io.editlab.harness.RunReport.EditorReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A grid's finished cells merged into one report: one row per editor and setting (every cell but
 * the seed), each metric's mean and sample standard deviation over the seeds that finished, and the
 * cells that failed or have not finished. Written as {@code results.json} (the harness's editor
 * objects, one per row, each with its own model, data set and protocol), {@code results.csv} and a
 * self-contained {@code report.html} with one table per metric, editors by settings.
 */
public final class GridReport {

    /** One editor with one setting over its seeds. */
    public record Row(
            List<Cell> cells, List<Finished> finished, Map<String, Stat> values, List<Checkpoint> checkpoints) {

        public Row {
            cells = List.copyOf(cells);
            finished = List.copyOf(finished);
            values = Map.copyOf(values);
            checkpoints = List.copyOf(checkpoints);
        }

        public Cell first() {
            return cells.get(0);
        }

        /** {@code ok} when every seed finished, {@code partial} when some did, else {@code missing}. */
        public String status() {
            return finished.size() == cells.size() ? "ok" : finished.isEmpty() ? "missing" : "partial";
        }
    }

    /** A finished cell's results. */
    public record Finished(Cell cell, EditorReport editor, JsonObject results) {}

    /** A cell the report leaves out, and why. */
    public record Problem(Cell cell, String reason) {}

    /**
     * A metric over seeds.
     *
     * @param mean the mean of the finite values
     * @param std their sample standard deviation (n - 1 in the denominator); NaN for fewer than two
     * @param n how many values
     */
    public record Stat(double mean, double std, int n) {

        /** The statistics of {@code values}, skipping NaN and infinities. */
        public static Stat of(List<Double> values) {
            double[] finite = values.stream()
                    .filter(Double::isFinite)
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            if (finite.length == 0) {
                return new Stat(Double.NaN, Double.NaN, 0);
            }
            double mean = java.util.Arrays.stream(finite).sum() / finite.length;
            double squares = java.util.Arrays.stream(finite)
                    .map(v -> (v - mean) * (v - mean))
                    .sum();
            return new Stat(
                    mean, finite.length < 2 ? Double.NaN : Math.sqrt(squares / (finite.length - 1)), finite.length);
        }
    }

    private final GridFolder folder;
    private final List<Row> rows;
    private final List<Problem> failed;
    private final List<Problem> missing;

    private GridReport(GridFolder folder, List<Row> rows, List<Problem> failed, List<Problem> missing) {
        this.folder = folder;
        this.rows = rows;
        this.failed = failed;
        this.missing = missing;
    }

    /** Reads every cell of the folder. */
    public static GridReport collect(GridFolder folder) throws IOException {
        Map<String, List<Cell>> settings = new LinkedHashMap<>();
        for (Cell cell : folder.grid().cells()) {
            settings.computeIfAbsent(cell.setting(), s -> new ArrayList<>()).add(cell);
        }
        List<Row> rows = new ArrayList<>();
        List<Problem> failed = new ArrayList<>();
        List<Problem> missing = new ArrayList<>();
        for (List<Cell> cells : settings.values()) {
            List<Finished> finished = new ArrayList<>();
            for (Cell cell : cells) {
                switch (folder.state(cell.index())) {
                    case FINISHED -> finished.add(read(folder, cell));
                    case FAILED -> failed.add(new Problem(cell, failure(folder, cell)));
                    case UNFINISHED -> missing.add(new Problem(cell, "not finished"));
                }
            }
            rows.add(row(cells, finished));
        }
        return new GridReport(folder, rows, failed, missing);
    }

    private static Finished read(GridFolder folder, Cell cell) throws IOException {
        Path file = folder.cell(cell.index()).resolve("results.json");
        try {
            JsonObject results = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            JsonArray editors = results.getAsJsonArray("editors");
            if (editors.size() != 1) {
                throw new GridFileException(file + ": " + editors.size() + " editors, a cell has one");
            }
            return new Finished(cell, Reports.editor(editors.get(0).getAsJsonObject()), results);
        } catch (JsonParseException | IllegalStateException | NullPointerException | ClassCastException e) {
            throw new GridFileException(file + ": not a results.json of ./editlab bench (" + e.getMessage() + ")");
        }
    }

    /** Why a failed cell failed: its editor's error, else its exit code and where its log is. */
    private static String failure(GridFolder folder, Cell cell) {
        Path dir = folder.cell(cell.index());
        try {
            JsonObject results = JsonParser.parseString(Files.readString(dir.resolve("results.json")))
                    .getAsJsonObject();
            JsonElement error =
                    results.getAsJsonArray("editors").get(0).getAsJsonObject().get("error");
            if (error != null && !error.isJsonNull()) {
                return error.getAsString();
            }
        } catch (IOException | RuntimeException noResults) {
            // the run ended before bench wrote results: the log says why
        }
        return "exit " + folder.exitCode(cell.index()) + ", see " + dir.resolve("log");
    }

    private static Row row(List<Cell> cells, List<Finished> finished) {
        Set<String> metrics = new LinkedHashSet<>();
        finished.forEach(f -> metrics.addAll(f.editor().finalValues().keySet()));
        Map<String, Stat> values = new LinkedHashMap<>();
        for (String metric : metrics) {
            values.put(
                    metric,
                    Stat.of(finished.stream()
                            .map(f -> f.editor().finalValues().getOrDefault(metric, Double.NaN))
                            .toList()));
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        if (!finished.isEmpty()) {
            for (Checkpoint first : finished.get(0).editor().checkpoints()) {
                List<Checkpoint> same = finished.stream()
                        .map(f -> f.editor().checkpoints().stream()
                                .filter(c -> c.edits() == first.edits())
                                .findFirst()
                                .orElse(null))
                        .toList();
                if (same.contains(null)) {
                    continue; // a point not every seed reached
                }
                Map<String, Double> means = new LinkedHashMap<>();
                for (String metric : first.values().keySet()) {
                    means.put(
                            metric,
                            Stat.of(same.stream()
                                            .map(c -> c.values().getOrDefault(metric, Double.NaN))
                                            .toList())
                                    .mean());
                }
                checkpoints.add(new Checkpoint(first.edits(), means));
            }
        }
        return new Row(cells, finished, values, checkpoints);
    }

    /**
     * The expected wall time of {@code cell} from the finished cells: seconds per edit of the same
     * method on the same model, data, batch and protocol (else of the same method anywhere) times
     * its stream length; empty when no such cell finished.
     */
    public java.util.OptionalDouble estimate(Cell cell) {
        List<Finished> all = rows.stream().flatMap(r -> r.finished().stream()).toList();
        List<Finished> same = all.stream()
                .filter(f -> f.cell().method().equals(cell.method())
                        && f.cell().model().equals(cell.model())
                        && f.cell().data().equals(cell.data())
                        && f.cell().batch() == cell.batch()
                        && f.cell().eval().equals(cell.eval()))
                .toList();
        List<Finished> basis = same.isEmpty()
                ? all.stream()
                        .filter(f -> f.cell().method().equals(cell.method()))
                        .toList()
                : same;
        return basis.stream()
                .mapToDouble(
                        f -> f.results().get("seconds").getAsDouble() / f.cell().edits())
                .average()
                .stream()
                .map(perEdit -> perEdit * cell.edits())
                .findFirst();
    }

    public List<Row> rows() {
        return rows;
    }

    public List<Problem> failed() {
        return failed;
    }

    public List<Problem> missing() {
        return missing;
    }

    /** Writes {@code results.json}, {@code results.csv} and {@code report.html} into the grid's folder. */
    public void write() throws IOException {
        Files.writeString(
                folder.root().resolve("results.json"),
                new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json()));
        Files.writeString(folder.root().resolve("results.csv"), csv());
        Files.writeString(folder.root().resolve("report.html"), html());
    }

    /** The merged {@code results.json}. */
    public JsonObject json() {
        JsonObject root = new JsonObject();
        JsonObject grid = new JsonObject();
        grid.addProperty("name", folder.grid().name());
        grid.addProperty("source", folder.grid().source());
        grid.addProperty("cells", folder.grid().cells().size());
        grid.addProperty(
                "finished", rows.stream().mapToInt(r -> r.finished().size()).sum());
        grid.add("failed", problems(failed));
        grid.add("missing", problems(missing));
        root.add("grid", grid);
        JsonArray editors = new JsonArray();
        double seconds = 0;
        for (Row row : rows) {
            editors.add(json(row));
            seconds += row.finished().stream()
                    .mapToDouble(f -> f.results().get("seconds").getAsDouble())
                    .sum();
        }
        root.add("editors", editors);
        root.addProperty("seconds", seconds);
        return root;
    }

    private static JsonArray problems(List<Problem> problems) {
        JsonArray array = new JsonArray();
        for (Problem p : problems) {
            JsonObject o = new JsonObject();
            o.addProperty("index", p.cell().index());
            o.addProperty("cell", p.cell().describe());
            o.addProperty("reason", p.reason());
            array.add(o);
        }
        return array;
    }

    /** A row as the harness's editor object plus what makes it a grid row. */
    private static JsonObject json(Row row) {
        Cell cell = row.first();
        Map<String, Double> values = new LinkedHashMap<>();
        row.values().forEach((metric, stat) -> {
            values.put(metric, stat.mean());
            values.put(metric + "_std", stat.std());
        });
        EditorReport first =
                row.finished().isEmpty() ? null : row.finished().get(0).editor();
        JsonObject json = Reports.json(new EditorReport(
                cell.editor(),
                cell.config(),
                first == null ? null : first.bundle(),
                first == null ? null : first.version(),
                row.status(),
                row.finished().isEmpty() ? "no seed finished" : null,
                values,
                row.checkpoints()));
        json.addProperty("method", cell.method());
        json.addProperty("variant", cell.variant());
        JsonObject results =
                row.finished().isEmpty() ? null : row.finished().get(0).results();
        if (results != null) {
            json.add("model", results.get("model"));
            json.add("dataset", results.get("dataset"));
            JsonObject protocol = results.getAsJsonObject("protocol").deepCopy();
            protocol.remove("seed");
            json.add("protocol", protocol);
        } else {
            JsonObject model = new JsonObject();
            model.addProperty("id", cell.model());
            json.add("model", model);
            JsonObject dataset = new JsonObject();
            dataset.addProperty("path", cell.data());
            dataset.addProperty("format", cell.format());
            json.add("dataset", dataset);
            JsonObject protocol = new JsonObject();
            protocol.addProperty("edits", cell.edits());
            protocol.addProperty("batch", cell.batch());
            protocol.addProperty("eval", cell.eval());
            json.add("protocol", protocol);
        }
        json.get("protocol").getAsJsonObject().add("seeds", seeds(row));
        JsonArray cells = new JsonArray();
        row.cells().forEach(c -> cells.add(c.index()));
        json.add("cells", cells);
        return json;
    }

    private static JsonArray seeds(Row row) {
        JsonArray seeds = new JsonArray();
        row.finished().forEach(f -> seeds.add(f.cell().seed()));
        return seeds;
    }

    /** One line per row: the cell's coordinates, then each metric's mean and standard deviation. */
    public String csv() {
        TreeSet<String> extra = new TreeSet<>();
        rows.forEach(r -> extra.addAll(r.values().keySet()));
        extra.removeAll(Reports.HEADLINE);
        List<String> metrics = new ArrayList<>(Reports.HEADLINE);
        metrics.addAll(extra);
        StringBuilder csv = new StringBuilder("editor,method,variant,model,data,format,edits,batch,eval,seeds,status");
        metrics.forEach(
                m -> csv.append(',').append(m).append("_mean,").append(m).append("_std"));
        csv.append('\n');
        for (Row row : rows) {
            Cell c = row.first();
            csv.append(String.join(
                    ",",
                    quote(c.editor()),
                    quote(c.method()),
                    quote(c.variant()),
                    quote(c.model()),
                    quote(c.data()),
                    c.format() == null ? "" : quote(c.format()),
                    Integer.toString(c.edits()),
                    Integer.toString(c.batch()),
                    c.eval(),
                    row.finished().stream()
                            .map(f -> Long.toString(f.cell().seed()))
                            .collect(Collectors.joining(";")),
                    row.status()));
            for (String metric : metrics) {
                Stat stat = row.values().get(metric);
                csv.append(',')
                        .append(stat == null ? "" : number(stat.mean()))
                        .append(',')
                        .append(stat == null ? "" : number(stat.std()));
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    private static String number(double value) {
        return Double.isFinite(value) ? Double.toString(value) : "";
    }

    private static String quote(String value) {
        return value.contains(",") || value.contains("\"") ? '"' + value.replace("\"", "\"\"") + '"' : value;
    }

    /** The console table: one line per row, the edit metrics as mean ± standard deviation. */
    public String table() {
        List<String> shown = List.of("reliability", "generalization", "locality", "seconds_per_edit");
        int editor = Math.max(
                6,
                rows.stream().mapToInt(r -> r.first().editor().length()).max().orElse(0));
        int setting = Math.max(
                7,
                rows.stream().mapToInt(r -> r.first().protocol().length()).max().orElse(0));
        String columns = "%-" + editor + "s  %-" + setting + "s  %-5s";
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, columns, "editor", "setting", "seeds"));
        shown.forEach(m -> text.append(String.format(Locale.ROOT, "  %17s", m)));
        text.append('\n');
        for (Row row : rows) {
            text.append(String.format(
                    Locale.ROOT,
                    columns,
                    row.first().editor(),
                    row.first().protocol(),
                    row.finished().size() + "/" + row.cells().size()));
            shown.forEach(m -> text.append(
                    String.format(Locale.ROOT, "  %17s", format(m, row.values().get(m)))));
            text.append('\n');
        }
        failed.forEach(p -> text.append("failed:  cell ")
                .append(p.cell().index())
                .append(' ')
                .append(p.cell().describe())
                .append(": ")
                .append(p.reason())
                .append('\n'));
        missing.forEach(p -> text.append("missing: cell ")
                .append(p.cell().index())
                .append(' ')
                .append(p.cell().describe())
                .append('\n'));
        return text.toString();
    }

    /** {@code mean ± std}, {@code mean} for one seed, {@code -} for none; memory in MB. */
    static String format(String metric, Stat stat) {
        if (stat == null || stat.n() == 0) {
            return "-";
        }
        boolean bytes = metric.endsWith("_bytes");
        double scale = bytes ? 1 << 20 : 1;
        String pattern = bytes ? "%.0f" : "%.3f";
        String text = String.format(Locale.ROOT, pattern, stat.mean() / scale);
        if (Double.isFinite(stat.std())) {
            text += " ± " + String.format(Locale.ROOT, pattern, stat.std() / scale);
        }
        return bytes ? text + " MB" : text;
    }

    /** {@code report.html}: per headline metric, a table of editors by settings. */
    public String html() {
        List<String> editors =
                rows.stream().map(r -> r.first().editor()).distinct().toList();
        List<String> settings =
                rows.stream().map(r -> r.first().protocol()).distinct().toList();
        StringBuilder body = new StringBuilder();
        for (String metric : Reports.HEADLINE) {
            if (rows.stream()
                    .noneMatch(r -> r.values().containsKey(metric)
                            && r.values().get(metric).n() > 0)) {
                continue; // no row has a value: portability without portability data, say
            }
            body.append("<h2>").append(escape(metric)).append("</h2>\n<table><tr><th>editor</th>");
            settings.forEach(s -> body.append("<th>").append(escape(s)).append("</th>"));
            body.append("</tr>\n");
            for (String editor : editors) {
                body.append("<tr><td>").append(escape(editor)).append("</td>");
                for (String setting : settings) {
                    Row row = rows.stream()
                            .filter(r -> r.first().editor().equals(editor)
                                    && r.first().protocol().equals(setting))
                            .findFirst()
                            .orElse(null);
                    if (row == null) {
                        body.append("<td></td>");
                        continue;
                    }
                    String seeds = row.finished().stream()
                            .map(f -> Long.toString(f.cell().seed()))
                            .collect(Collectors.joining(", "));
                    body.append("<td class='")
                            .append(row.status())
                            .append("' title='")
                            .append(row.finished().size())
                            .append(" of ")
                            .append(row.cells().size())
                            .append(" seeds: ")
                            .append(escape(seeds))
                            .append("'>")
                            .append(escape(format(metric, row.values().get(metric))))
                            .append("</td>");
                }
                body.append("</tr>\n");
            }
            body.append("</table>\n");
        }
        if (!failed.isEmpty() || !missing.isEmpty()) {
            body.append("<h2>Cells left out</h2>\n<ul>\n");
            failed.forEach(p -> body.append("<li class='failed'>cell ")
                    .append(p.cell().index())
                    .append(", ")
                    .append(escape(p.cell().describe()))
                    .append(": failed: ")
                    .append(escape(p.reason()))
                    .append("</li>\n"));
            missing.forEach(p -> body.append("<li>cell ")
                    .append(p.cell().index())
                    .append(", ")
                    .append(escape(p.cell().describe()))
                    .append(": ")
                    .append(escape(p.reason()))
                    .append("</li>\n"));
            body.append("</ul>\n");
        }
        int finished = rows.stream().mapToInt(r -> r.finished().size()).sum();
        return HtmlReport.page(
                "EditLab grid " + folder.grid().name(),
                """
                th { font-weight: normal; background: #f4f4f4; }
                .partial { color: #a60; } .missing { color: #a00; }
                """,
                "",
                """
                <p class="note">%d of %d cells finished. Each number is the mean over the seeds that finished, ± their
                sample standard deviation; hover for the seeds. Columns are settings (variant, model, data, stream
                length T, batch, evaluation protocol); values are teacher-forced exact match unless the metric says
                otherwise. Every metric of every row is in results.json and results.csv.</p>
                """
                                .formatted(finished, folder.grid().cells().size())
                        + body);
    }
}
