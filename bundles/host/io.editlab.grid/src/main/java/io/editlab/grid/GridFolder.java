package io.editlab.grid;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A grid's output folder. Its layout is the contract between {@code ./editlab grid} and the jobs a
 * backend starts, on whatever machine they run:
 *
 * <pre>
 * OUT/grid.json             the planned grid: its name, source file and every cell
 * OUT/run-cell.sh           runs one cell: bash OUT/run-cell.sh INDEX (what every job executes)
 * OUT/submissions.json      what was handed to which backend, with the scheduler's job ids
 * OUT/cells/INDEX/args      the cell's ./editlab bench arguments, one per line
 * OUT/cells/INDEX/log       what its runs printed
 * OUT/cells/INDEX/results.* what bench wrote (results.json, results.csv, report.html)
 * OUT/cells/INDEX/exit      the last run's exit code
 * OUT/cells/INDEX/done      written once the cell finished with exit code 0; a done cell never runs again
 * </pre>
 */
public final class GridFolder {

    public static final String GRID = "grid.json";
    public static final String SCRIPT = "run-cell.sh";
    public static final String SUBMISSIONS = "submissions.json";

    private final Path root;
    private final Grid grid;

    private GridFolder(Path root, Grid grid) {
        this.root = root;
        this.grid = grid;
    }

    /** Opens a folder written by {@link #prepare}. */
    public static GridFolder open(Path root) throws IOException {
        Path file = root.resolve(GRID);
        if (!Files.isRegularFile(file)) {
            throw new GridFileException(root + ": not a grid's output folder (no " + GRID + ")");
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            List<Cell> cells = new ArrayList<>();
            for (JsonElement cell : json.getAsJsonArray("cells")) {
                cells.add(Cell.of(cell.getAsJsonObject()));
            }
            return new GridFolder(
                    root.toAbsolutePath().normalize(),
                    new Grid(json.get("name").getAsString(), json.get("source").getAsString(), null, cells));
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new GridFileException(file + ": unreadable (" + e.getMessage() + "); was it edited by hand?");
        }
    }

    /**
     * Opens {@code root} for {@code grid}, writing its layout if it holds no grid yet.
     *
     * @param launcher the {@code ./editlab} script the jobs run (an absolute path on the machines
     *     that run them; the environment variable {@code EDITLAB} overrides it there)
     * @throws GridFileException if {@code root} holds another grid
     */
    public static GridFolder prepare(Path root, Grid grid, Path launcher) throws IOException {
        Path folder = root.toAbsolutePath().normalize();
        if (Files.exists(folder.resolve(GRID))) {
            GridFolder existing = open(folder);
            List<Cell> before = existing.grid.cells();
            for (int i = 0; i < Math.max(before.size(), grid.cells().size()); i++) {
                Cell was = i < before.size() ? before.get(i) : null;
                Cell now = i < grid.cells().size() ? grid.cells().get(i) : null;
                if (was == null || !was.equals(now)) {
                    throw new GridFileException(folder + " holds another grid (cell " + i + " was "
                            + (was == null ? "absent" : was.describe()) + ", is "
                            + (now == null ? "absent" : now.describe()) + "); choose another output folder");
                }
            }
        }
        Files.createDirectories(folder);
        GridFolder result = new GridFolder(folder, grid);
        for (Cell cell : grid.cells()) {
            Path dir = Files.createDirectories(result.cell(cell.index()));
            write(dir.resolve("args"), String.join("\n", cell.benchArguments()) + "\n");
        }
        JsonObject json = new JsonObject();
        json.addProperty("name", grid.name());
        json.addProperty("source", grid.source());
        JsonArray cells = new JsonArray();
        grid.cells().forEach(cell -> cells.add(cell.json()));
        json.add("cells", cells);
        write(
                folder.resolve(GRID),
                new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(json));
        Path script = folder.resolve(SCRIPT);
        write(script, script(launcher.toAbsolutePath().normalize()));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return result;
    }

    private static String script(Path launcher) {
        return """
                #!/usr/bin/env bash
                # Runs one cell of this grid: bash run-cell.sh INDEX. Written by ./editlab grid run; every
                # backend's job executes it. A finished cell (cells/INDEX/done) is not run again.
                # EDITLAB overrides the launcher's path (e.g. inside a container); PyTorch takes as many
                # threads as the scheduler gave the task (SLURM_CPUS_PER_TASK, else EDITLAB_THREADS, else 1).
                set -uo pipefail
                editlab="${EDITLAB:-%s}"
                grid="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
                index="${1:?usage: run-cell.sh INDEX}"
                cell="$grid/cells/$index"
                [ -f "$cell/args" ] || { echo "run-cell.sh: no cell $index in $grid" >&2; exit 2; }
                if [ -f "$cell/done" ]; then echo "cell $index finished already"; exit 0; fi
                rm -f "$cell/exit"
                threads="${SLURM_CPUS_PER_TASK:-${EDITLAB_THREADS:-1}}"
                export JAVA_OPTS="${JAVA_OPTS:--Xmx8g} -Dai.djl.pytorch.num_threads=$threads -Dai.djl.pytorch.num_interop_threads=1"
                mapfile -t args < "$cell/args"
                echo "== cell $index on $(hostname) at $(date -u +%%FT%%TZ): $editlab bench ${args[*]} --out $cell" >>"$cell/log"
                "$editlab" bench "${args[@]}" --out "$cell" >>"$cell/log" 2>&1
                status=$?
                echo "$status" >"$cell/exit"
                if [ "$status" -eq 0 ] && [ -f "$cell/results.json" ]; then date -u +%%FT%%TZ >"$cell/done"; fi
                exit "$status"
                """
                .formatted(launcher.toString().replace("\"", "\\\""));
    }

    public Path root() {
        return root;
    }

    public Grid grid() {
        return grid;
    }

    /** The cell's folder. */
    public Path cell(int index) {
        return root.resolve("cells").resolve(Integer.toString(index));
    }

    /** The bench arguments stored for the cell, with {@code --out} its folder. */
    public List<String> arguments(int index) throws IOException {
        List<String> args = new ArrayList<>(Files.readAllLines(cell(index).resolve("args"), StandardCharsets.UTF_8));
        args.removeIf(String::isEmpty);
        args.addAll(List.of("--out", cell(index).toString()));
        return args;
    }

    public CellState state(int index) {
        Path dir = cell(index);
        if (Files.exists(dir.resolve("done"))) {
            return CellState.FINISHED;
        }
        return Files.exists(dir.resolve("exit")) ? CellState.FAILED : CellState.UNFINISHED;
    }

    /** The exit code of the cell's last run, or null. */
    public Integer exitCode(int index) {
        try {
            return Integer.valueOf(Files.readString(cell(index).resolve("exit")).strip());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Records how a run of the cell ended, as {@link #SCRIPT} does for jobs. */
    public void finish(int index, int exitCode) throws IOException {
        Path dir = cell(index);
        write(dir.resolve("exit"), exitCode + "\n");
        if (exitCode == 0 && Files.exists(dir.resolve("results.json"))) {
            write(dir.resolve("done"), Instant.now() + "\n");
        }
    }

    public List<Submission> submissions() throws IOException {
        Path file = root.resolve(SUBMISSIONS);
        List<Submission> all = new ArrayList<>();
        if (!Files.exists(file)) {
            return all;
        }
        for (JsonElement e : JsonParser.parseString(Files.readString(file)).getAsJsonArray()) {
            JsonObject s = e.getAsJsonObject();
            List<Integer> cells = new ArrayList<>();
            s.getAsJsonArray("cells").forEach(c -> cells.add(c.getAsInt()));
            all.add(new Submission(
                    s.get("backend").getAsString(),
                    s.get("job").getAsString(),
                    cells,
                    s.get("submitted").getAsString()));
        }
        return all;
    }

    /** Appends {@code submission} to {@link #SUBMISSIONS}. */
    public void record(Submission submission) throws IOException {
        JsonArray all = new JsonArray();
        for (Submission s : submissions()) {
            all.add(json(s));
        }
        all.add(json(submission));
        write(
                root.resolve(SUBMISSIONS),
                new GsonBuilder().setPrettyPrinting().create().toJson(all));
    }

    private static JsonObject json(Submission s) {
        JsonObject json = new JsonObject();
        json.addProperty("backend", s.backend());
        json.addProperty("job", s.job());
        JsonArray cells = new JsonArray();
        s.cells().forEach(cells::add);
        json.add("cells", cells);
        json.addProperty("submitted", s.submitted());
        return json;
    }

    /** Writes through a temporary file and a rename, so that a reader never sees half a file. */
    private static void write(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
