package io.editlab.host.impl;

import io.editlab.api.host.Command;
import io.editlab.api.host.EditlabCommand;
import io.editlab.api.host.PluginCatalog;
import io.editlab.api.host.PluginInfo;
import io.editlab.api.host.PluginKind;
import io.editlab.grid.Cell;
import io.editlab.grid.CellState;
import io.editlab.grid.Grid;
import io.editlab.grid.GridBackend;
import io.editlab.grid.GridBackend.Scheduled;
import io.editlab.grid.GridFile;
import io.editlab.grid.GridFolder;
import io.editlab.grid.GridReport;
import io.editlab.grid.Submission;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code ./editlab grid}: plans a grid file's cells, runs them on a backend (in this process, as a
 * Slurm job array, as a Kubernetes Indexed Job), shows where they stand, and merges the finished
 * ones into one report.
 */
@EditlabCommand("grid")
@Component(service = Command.class)
public final class GridCommand implements Command {

    /** Set by {@code ./editlab} to its own absolute path: what jobs on other machines run. */
    static final String LAUNCHER = "editlab.launcher";

    private final PluginCatalog catalog;
    private final Map<String, GridBackend> backends = new TreeMap<>();
    private final Path launcher;

    @Activate
    public GridCommand(
            BundleContext context,
            @Reference PluginCatalog catalog,
            @Reference(
                            name = "backends",
                            cardinality = ReferenceCardinality.MULTIPLE,
                            policyOption = ReferencePolicyOption.GREEDY)
                    List<Map.Entry<Map<String, Object>, GridBackend>> backends) {
        this.catalog = catalog;
        for (Map.Entry<Map<String, Object>, GridBackend> backend : backends) {
            Object name = backend.getKey().get(GridBackend.NAME);
            if (name != null) {
                this.backends.putIfAbsent(name.toString(), backend.getValue());
            }
        }
        String path = context.getProperty(LAUNCHER);
        this.launcher = Path.of(path == null ? "editlab" : path).toAbsolutePath();
    }

    @Override
    public String usage() {
        return "plan FILE [--out DIR] | run FILE [--backend " + String.join("|", backends.keySet())
                + "] [--out DIR] [--cells 0,3-5] [--resume] [backend options] | status OUT | collect OUT"
                + "   (./editlab grid help: the backends' options)";
    }

    @Override
    public int run(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        if (arguments.isEmpty()) {
            throw new Args.UsageException("which grid command? plan, run, status, collect or help");
        }
        List<String> rest = arguments.subList(1, arguments.size());
        return switch (arguments.get(0)) {
            case "plan" -> plan(rest, out);
            case "run" -> submit(rest, out, err);
            case "status" -> status(rest, out, err);
            case "collect" -> collect(rest, out);
            case "help" -> help(out);
            default -> throw new Args.UsageException(
                    "unknown grid command '" + arguments.get(0) + "' (plan, run, status, collect, help)");
        };
    }

    private int help(PrintStream out) {
        out.println("./editlab grid run FILE --backend NAME takes, besides --out, --cells and --resume:");
        backends.forEach((name, backend) -> {
            out.println("  " + name + (backend.options().isEmpty() ? ": no options" : ":"));
            backend.options()
                    .forEach((key, help) -> out.println(String.format(Locale.ROOT, "    --%-10s %s", key, help)));
        });
        return 0;
    }

    /** The first argument (FILE or OUT) and the {@code --key value} options after it. */
    private static String positional(List<String> args, String what) {
        if (args.isEmpty() || args.get(0).startsWith("--")) {
            throw new Args.UsageException(what + " is required");
        }
        return args.get(0);
    }

    private static Path out(Args args, Grid grid) {
        return Path.of(args.get("out", grid.out() != null ? grid.out() : "results/grid-" + grid.name()));
    }

    private int plan(List<String> arguments, PrintStream out) throws IOException {
        Grid grid = GridFile.read(Path.of(positional(arguments, "the grid file")));
        Args args = Args.parse(arguments.subList(1, arguments.size()), Set.of("out"));
        Path folder = out(args, grid);
        GridFolder existing = Files.exists(folder.resolve(GridFolder.GRID)) ? GridFolder.open(folder) : null;
        GridReport done = existing == null ? null : GridReport.collect(existing);
        List<String[]> rows = new ArrayList<>();
        double known = 0;
        int estimated = 0;
        for (Cell cell : grid.cells()) {
            OptionalDouble seconds = done == null ? OptionalDouble.empty() : done.estimate(cell);
            String state =
                    existing == null || cell.index() >= existing.grid().cells().size()
                            ? ""
                            : existing.state(cell.index()).name().toLowerCase(Locale.ROOT);
            if (seconds.isPresent() && !state.equals("finished")) {
                known += seconds.getAsDouble();
                estimated++;
            }
            rows.add(new String[] {
                Integer.toString(cell.index()),
                cell.editor(),
                cell.variant(),
                cell.model(),
                cell.data() + (cell.format() == null ? "" : " (" + cell.format() + ")"),
                Integer.toString(cell.edits()),
                Integer.toString(cell.batch()),
                cell.eval(),
                Long.toString(cell.seed()),
                seconds.isPresent() ? String.format(Locale.ROOT, "%.0f", seconds.getAsDouble()) : "?",
                state
            });
        }
        out.println(Tables.format(
                new String[] {
                    "cell", "editor", "variant", "model", "data", "T", "batch", "eval", "seed", "est. s", "state"
                },
                rows,
                ""));
        Set<String> missing = missingMethods(grid);
        out.println(String.format(
                Locale.ROOT,
                "%d cells of grid '%s' into %s%s",
                grid.cells().size(),
                grid.name(),
                folder.toAbsolutePath(),
                estimated == 0
                        ? "; no cost known yet (estimates come from finished cells)"
                        : String.format(
                                Locale.ROOT,
                                "; about %.0f s for the %d unfinished cells with an estimate",
                                known,
                                estimated)));
        if (!missing.isEmpty()) {
            out.println("not installed here: " + missing);
        }
        return 0;
    }

    private Set<String> missingMethods(Grid grid) {
        Set<String> installed = catalog.plugins(PluginKind.METHOD).stream()
                .map(PluginInfo::name)
                .collect(Collectors.toSet());
        return grid.cells().stream()
                .map(Cell::method)
                .filter(m -> !installed.contains(m))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private int submit(List<String> arguments, PrintStream out, PrintStream err) throws Exception {
        Grid grid = GridFile.read(Path.of(positional(arguments, "the grid file")));
        List<String> rest = new ArrayList<>(arguments.subList(1, arguments.size()));
        boolean resume = rest.remove("--resume");
        int at = rest.indexOf("--backend");
        String name = at >= 0 && at + 1 < rest.size() ? rest.get(at + 1) : "local";
        GridBackend backend = backends.get(name);
        if (backend == null) {
            throw new Args.UsageException(
                    "--backend " + name + " is not installed (installed: " + backends.keySet() + ")");
        }
        Args args = Args.parse(rest, keys(backend.options().keySet()), Set.of());
        Set<String> missing = missingMethods(grid);
        if (!missing.isEmpty()) {
            throw new Args.UsageException("the grid's methods " + missing + " are not installed (./editlab shell,"
                    + " then editlab:methods, lists those that are)");
        }
        Path target = out(args, grid);
        if (Files.exists(target.resolve(GridFolder.GRID)) && !resume) {
            GridFolder existing = GridFolder.open(target);
            if (!existing.submissions().isEmpty()) {
                throw new Args.UsageException(target + " holds this grid already, submitted "
                        + existing.submissions().size()
                        + " time(s): --resume runs what has not finished; ./editlab grid status " + target
                        + " shows where it stands");
            }
        }
        GridFolder folder = GridFolder.prepare(target, grid, launcher);
        Set<Integer> selected = args.has("cells")
                ? cells(args.require("cells"), grid.cells().size())
                : new LinkedHashSet<>(grid.cells().stream().map(Cell::index).toList());
        Set<Integer> open = new LinkedHashSet<>();
        for (int index : selected) {
            if (folder.state(index) != CellState.FINISHED) {
                open.add(index);
            }
        }
        Map<Integer, Scheduled> scheduled = scheduled(folder, open, err);
        List<Integer> cells = open.stream()
                .filter(i -> !scheduled.containsKey(i) || !scheduled.get(i).active())
                .sorted()
                .toList();
        err.println(String.format(
                Locale.ROOT,
                "editlab grid: %d of %d selected cells finished, %d queued or running;" + " %s %d",
                selected.size() - open.size(),
                selected.size(),
                open.size() - cells.size(),
                name.equals("local") ? "running" : "submitting",
                cells.size()));
        if (cells.isEmpty()) {
            out.println("nothing to run; ./editlab grid collect " + folder.root() + " merges the finished cells");
            return 0;
        }
        Map<String, String> options = new TreeMap<>();
        backend.options().keySet().stream().filter(args::has).forEach(k -> options.put(k, args.require(k)));
        Submission submission;
        try {
            submission = backend.submit(folder, cells, options, out, err);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException(e.getMessage());
        }
        folder.record(submission);
        long failed =
                cells.stream().filter(i -> folder.state(i) == CellState.FAILED).count();
        if (name.equals("local")) {
            out.println(String.format(
                    Locale.ROOT,
                    "%d cells run, %d failed; ./editlab grid collect %s merges them",
                    cells.size(),
                    failed,
                    folder.root()));
        } else {
            out.println("./editlab grid status " + folder.root() + " shows where they stand");
        }
        return failed == 0 ? 0 : 1;
    }

    private static Set<String> keys(Set<String> backendOptions) {
        Set<String> keys = new HashSet<>(Set.of("backend", "out", "cells"));
        keys.addAll(backendOptions);
        return keys;
    }

    /** {@code 0,3-5} as cell indices, each below {@code size}. */
    static Set<Integer> cells(String text, int size) {
        Set<Integer> cells = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String[] ends = part.strip().split("-", -1);
            try {
                int from = Integer.parseInt(ends[0]);
                int to = ends.length == 2 ? Integer.parseInt(ends[1]) : from;
                if (ends.length > 2 || from < 0 || to < from || to >= size) {
                    throw new NumberFormatException();
                }
                for (int i = from; i <= to; i++) {
                    cells.add(i);
                }
            } catch (NumberFormatException e) {
                throw new Args.UsageException(
                        "--cells takes indices and ranges below " + size + ", e.g. 0,3-5; not '" + part + "'");
            }
        }
        return cells;
    }

    /** What the backends of the folder's submissions say of {@code cells}; a scheduler that does not answer is reported. */
    private Map<Integer, Scheduled> scheduled(GridFolder folder, Set<Integer> cells, PrintStream err)
            throws IOException {
        Map<Integer, Scheduled> states = new HashMap<>();
        Set<String> used =
                folder.submissions().stream().map(Submission::backend).collect(Collectors.toCollection(TreeSet::new));
        for (String name : used) {
            GridBackend backend = backends.get(name);
            if (backend == null) {
                err.println("editlab grid: backend " + name + " of earlier submissions is not installed; its jobs are"
                        + " not asked about");
                continue;
            }
            states.putAll(backend.scheduled(folder, cells));
        }
        return states;
    }

    private int status(List<String> arguments, PrintStream out, PrintStream err) throws IOException {
        GridFolder folder = GridFolder.open(Path.of(positional(arguments, "the grid's output folder")));
        Args.parse(arguments.subList(1, arguments.size()), Set.of());
        Set<Integer> open = new LinkedHashSet<>();
        folder.grid().cells().stream()
                .map(Cell::index)
                .filter(i -> folder.state(i) != CellState.FINISHED)
                .forEach(open::add);
        Map<Integer, Scheduled> scheduled;
        try {
            scheduled = scheduled(folder, open, err);
        } catch (IOException e) {
            err.println("editlab grid: the scheduler did not answer: " + e.getMessage());
            scheduled = Map.of();
        }
        Set<Integer> submitted = new HashSet<>();
        folder.submissions().forEach(s -> submitted.addAll(s.cells()));
        Map<String, Integer> counts = new TreeMap<>();
        List<String[]> rows = new ArrayList<>();
        for (Cell cell : folder.grid().cells()) {
            int i = cell.index();
            CellState known = folder.state(i);
            String state =
                    switch (known) {
                        case FINISHED -> "finished";
                        case FAILED -> "failed (exit " + folder.exitCode(i) + ")";
                        case UNFINISHED -> submitted.contains(i)
                                ? "submitted, no exit code (running, or cancelled or killed)"
                                : "not submitted";
                    };
            String kind =
                    switch (known) {
                        case FINISHED -> "finished";
                        case FAILED -> "failed";
                        case UNFINISHED -> submitted.contains(i) ? "submitted" : "not submitted";
                    };
            Scheduled s = scheduled.get(i);
            if (s != null && (s.active() || known == CellState.UNFINISHED)) {
                state = s.state();
                kind = s.active() ? state.split("[ ,(]")[0].toLowerCase(Locale.ROOT) : kind;
            }
            counts.merge(kind, 1, Integer::sum);
            rows.add(new String[] {Integer.toString(i), cell.describe(), state});
        }
        out.println(Tables.format(new String[] {"cell", "run", "state"}, rows, ""));
        out.println(folder.grid().cells().size() + " cells: "
                + counts.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", ")));
        return 0;
    }

    private int collect(List<String> arguments, PrintStream out) throws IOException {
        GridFolder folder = GridFolder.open(Path.of(positional(arguments, "the grid's output folder")));
        Args.parse(arguments.subList(1, arguments.size()), Set.of());
        GridReport report = GridReport.collect(folder);
        report.write();
        out.print(report.table());
        out.println(String.format(
                Locale.ROOT,
                "%d of %d cells merged into %s (results.json, results.csv, report.html)",
                report.rows().stream().mapToInt(r -> r.finished().size()).sum(),
                folder.grid().cells().size(),
                folder.root()));
        return 0;
    }
}
