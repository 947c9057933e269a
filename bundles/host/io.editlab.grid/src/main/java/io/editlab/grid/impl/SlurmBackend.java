package io.editlab.grid.impl;

import io.editlab.grid.EditlabGridBackend;
import io.editlab.grid.GridBackend;
import io.editlab.grid.GridFolder;
import io.editlab.grid.Submission;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;

/**
 * Submits cells as one Slurm job array ({@code sbatch --array}); the array task id is the cell
 * index, and each task runs {@code bash OUT/run-cell.sh $SLURM_ARRAY_TASK_ID}. The script is kept
 * as {@code OUT/slurm/submit-N.sbatch}, each task's Slurm output as {@code OUT/slurm/JOB_TASK.out}.
 * State comes from {@code squeue} (queued and running tasks) and, where the cluster keeps
 * accounting, {@code sacct} (how ended tasks ended). OUT must be on a file system the compute nodes
 * share.
 */
@EditlabGridBackend("slurm")
@Component(service = GridBackend.class)
public final class SlurmBackend implements GridBackend {

    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Pattern JOB = Pattern.compile("(\\d+)(;.*)?");
    private static final Pattern TASK = Pattern.compile("(\\d+)_(\\d+)");
    private static final Map<String, String> OPTIONS = new LinkedHashMap<>();

    static {
        OPTIONS.put("partition", "Slurm partition (sbatch --partition)");
        OPTIONS.put("gres", "generic resources per task, e.g. gpu:1 (sbatch --gres)");
        OPTIONS.put("time", "time limit per cell, e.g. 04:00:00 (sbatch --time)");
        OPTIONS.put("mem", "memory per cell, e.g. 32G (sbatch --mem)");
        OPTIONS.put("cpus", "CPUs per cell, also PyTorch's thread count (sbatch --cpus-per-task; default 1)");
        OPTIONS.put("account", "account to charge (sbatch --account)");
        OPTIONS.put("parallel", "at most this many cells at once (the array's %N)");
        OPTIONS.put("preamble", "a file of shell lines each task runs first: module loads, environments");
        OPTIONS.put("dry-run", "true: write the sbatch script, do not submit it");
    }

    @Override
    public Map<String, String> options() {
        return OPTIONS;
    }

    @Override
    public Submission submit(
            GridFolder folder, List<Integer> cells, Map<String, String> options, PrintStream out, PrintStream err)
            throws IOException {
        Path dir = Files.createDirectories(folder.root().resolve("slurm"));
        int number = folder.submissions().size() + 1;
        Path script = dir.resolve("submit-" + number + ".sbatch");
        Files.writeString(script, script(folder, cells, options));
        if (Boolean.parseBoolean(options.getOrDefault("dry-run", "false"))) {
            out.println("editlab grid: wrote " + script + "; submit it with: sbatch " + script);
            return new Submission(
                    "slurm",
                    "not submitted (" + script.getFileName() + ")",
                    cells,
                    Instant.now().toString());
        }
        Processes.Result result = Processes.run(List.of("sbatch", "--parsable", script.toString()), LIMIT);
        Matcher job = JOB.matcher(result.out().strip());
        if (result.exit() != 0 || !job.matches()) {
            throw new IOException("sbatch refused " + script + " (exit " + result.exit() + "): "
                    + (result.err().strip() + " " + result.out().strip()).strip());
        }
        out.println("editlab grid: submitted " + cells.size() + " cells as Slurm job array " + job.group(1) + " ("
                + script + ")");
        return new Submission("slurm", job.group(1), cells, Instant.now().toString());
    }

    /** The sbatch script for {@code cells}. */
    static String script(GridFolder folder, List<Integer> cells, Map<String, String> options) throws IOException {
        StringBuilder text = new StringBuilder("#!/usr/bin/env bash\n");
        text.append("# Cells ")
                .append(Ranges.of(cells))
                .append(" of grid ")
                .append(folder.grid().name())
                .append(", written by ./editlab grid run. The array task id is the cell index.\n");
        directive(text, "job-name", "editlab-" + folder.grid().name());
        String parallel = options.get("parallel");
        if (parallel != null && !parallel.matches("[1-9]\\d*")) {
            throw new IllegalArgumentException(
                    "--parallel must be a whole number of at least 1, not '" + parallel + "'");
        }
        directive(text, "array", Ranges.of(cells) + (parallel == null ? "" : "%" + parallel));
        directive(
                text,
                "output",
                folder.root().resolve("slurm").resolve("%A_%a.out").toString());
        String cpus = options.getOrDefault("cpus", "1");
        if (!cpus.matches("[1-9]\\d*")) {
            throw new IllegalArgumentException("--cpus must be a whole number of at least 1, not '" + cpus + "'");
        }
        directive(text, "cpus-per-task", cpus);
        for (String key : List.of("partition", "gres", "time", "mem", "account")) {
            if (options.containsKey(key)) {
                directive(text, key, options.get(key));
            }
        }
        if (options.containsKey("preamble")) {
            Path preamble = Path.of(options.get("preamble"));
            if (!Files.isRegularFile(preamble)) {
                throw new IllegalArgumentException("--preamble: no such file: " + preamble);
            }
            text.append("# preamble from ")
                    .append(preamble.toAbsolutePath())
                    .append('\n')
                    .append(Files.readString(preamble).stripTrailing())
                    .append('\n');
        }
        text.append("exec bash ")
                .append(quote(folder.root().resolve(GridFolder.SCRIPT).toString()))
                .append(" \"$SLURM_ARRAY_TASK_ID\"\n");
        return text.toString();
    }

    private static void directive(StringBuilder text, String key, String value) {
        if (value.isBlank() || value.chars().anyMatch(c -> c == '\n' || c == '\r' || c == ' ')) {
            throw new IllegalArgumentException("--" + key + " must be one word, not '" + value + "'");
        }
        text.append("#SBATCH --").append(key).append('=').append(value).append('\n');
    }

    private static String quote(String path) {
        return "'" + path.replace("'", "'\\''") + "'";
    }

    @Override
    public Map<Integer, Scheduled> scheduled(GridFolder folder, Set<Integer> cells) throws IOException {
        List<String> jobs = new ArrayList<>();
        for (Submission s : folder.submissions()) {
            if (s.backend().equals("slurm") && s.job().matches("\\d+")) {
                jobs.add(s.job());
            }
        }
        Map<Integer, Scheduled> states = new HashMap<>();
        if (jobs.isEmpty()) {
            return states;
        }
        // How ended tasks ended, where accounting is kept; the latest submission of a cell wins.
        Processes.Result accounting = Processes.run(
                List.of("sacct", "-n", "-P", "-X", "-j", String.join(",", jobs), "-o", "JobID,State,ExitCode"), LIMIT);
        if (accounting.exit() == 0) {
            states.putAll(parseSacct(accounting.out(), jobs, cells));
        }
        Processes.Result queue = Processes.run(List.of("squeue", "-h", "-r", "-o", "%F|%K|%T|%M|%r"), LIMIT);
        if (queue.exit() != 0) {
            throw new IOException(
                    "squeue failed (exit " + queue.exit() + "): " + queue.err().strip());
        }
        states.putAll(parseSqueue(queue.out(), jobs, cells));
        return states;
    }

    /** {@code squeue -h -r -o "%F|%K|%T|%M|%r"} lines of our jobs: queued and running cells. */
    static Map<Integer, Scheduled> parseSqueue(String text, List<String> jobs, Set<Integer> cells) {
        Map<Integer, Scheduled> states = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 5 || !jobs.contains(f[0]) || !f[1].matches("\\d+")) {
                continue;
            }
            int cell = Integer.parseInt(f[1]);
            if (cells.contains(cell)) {
                String state = f[2]
                        + (f[2].equals("RUNNING")
                                ? " " + f[3]
                                : f[4].isEmpty() || f[4].equals("None") ? "" : " (" + f[4] + ")");
                states.put(cell, new Scheduled(state + ", job " + f[0] + "_" + f[1], true));
            }
        }
        return states;
    }

    /** {@code sacct -n -P -X -o JobID,State,ExitCode} lines: how ended cells ended. */
    static Map<Integer, Scheduled> parseSacct(String text, List<String> jobs, Set<Integer> cells) {
        Map<Integer, Scheduled> states = new HashMap<>();
        Map<Integer, Integer> from = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            Matcher task = f.length < 3 ? null : TASK.matcher(f[0]);
            if (task == null || !task.matches() || !jobs.contains(task.group(1))) {
                continue;
            }
            int cell = Integer.parseInt(task.group(2));
            int order = jobs.indexOf(task.group(1));
            if (cells.contains(cell) && order >= from.getOrDefault(cell, -1)) {
                from.put(cell, order);
                boolean active = f[1].startsWith("PENDING")
                        || f[1].startsWith("RUNNING")
                        || f[1].startsWith("REQUEUED")
                        || f[1].startsWith("SUSPENDED");
                states.put(cell, new Scheduled(f[1] + " (exit " + f[2] + "), job " + f[0], active));
            }
        }
        return states;
    }
}
