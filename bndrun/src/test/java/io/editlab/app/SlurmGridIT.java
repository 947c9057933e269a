package io.editlab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code ./editlab grid} on a real Slurm cluster: the one-node cluster {@code .ci/slurm-local up}
 * starts on this machine ({@code SLURM_CONF} points at it). A grid of 2 editors x 2 seeds x 2 stream
 * lengths on the built-in model goes in as one job array; one cell's job is cancelled while it runs;
 * the other seven finish; {@code --resume} submits that cell alone; {@code grid collect} merges all
 * eight with standard deviations over seeds. Skipped, saying why, where no cluster answers; fails
 * instead when {@code EDITLAB_REQUIRE_SLURM=1}, as on CI.
 */
class SlurmGridIT {

    private static final Path DIR = Host.ROOT.resolve("bndrun/target/slurm-grid-it");
    private static final int KILLED = 7;

    @Test
    void aJobArrayFinishesAndResumeRerunsOnlyTheCancelledCell() throws Exception {
        String why = missingSlurm();
        Assumptions.assumeTrue(why == null, why);
        Host.deleteTree(DIR);
        Files.createDirectories(DIR);
        Path file = Files.writeString(
                DIR.resolve("grid.json"),
                """
                {"name": "slurm-it", "editors": ["grace", "ft-l"], "edits": [4, 8], "batch": [2], "seeds": [1, 2],
                 "bench": {"order": "shuffle", "checkpoint": 2, "generation": false}}
                """);
        Path out = DIR.resolve("out");
        // The built-in model is pretrained and cached once, before cells would race to make it.
        Launcher.editlab(
                List.of("generate", "--model", "builtin", "--prompt", "The capital of France is", "--tokens", "1"));

        String plan = Launcher.editlab(List.of("grid", "plan", file.toString(), "--out", out.toString()));
        assertTrue(plan.contains("8 cells of grid 'slurm-it'"), plan);
        String submitted = Launcher.editlab(
                List.of("grid", "run", file.toString(), "--backend", "slurm", "--out", out.toString()));
        assertTrue(submitted.contains("submitted 8 cells as Slurm job array "), submitted);
        String job = submitted.replaceAll("(?s).*Slurm job array (\\d+).*", "$1");

        // Cancel the last cell while its bench runs (the node runs two at a time, so it starts last).
        long deadline = System.nanoTime() + Launcher.LIMIT.toNanos();
        while (!squeue().getOrDefault(job + "_" + KILLED, "").equals("RUNNING") || runs(out, KILLED) == 0) {
            if (Files.exists(out.resolve("cells/" + KILLED + "/done")) || System.nanoTime() > deadline) {
                fail("cell " + KILLED + " was never seen running: " + squeue());
            }
            Thread.sleep(100);
        }
        Launcher.run(List.of("scancel", job + "_" + KILLED), Duration.ofSeconds(30));
        awaitQueueEmpty(job);
        for (int cell = 0; cell < 8; cell++) {
            assertEquals(
                    cell != KILLED,
                    Files.exists(out.resolve("cells/" + cell + "/done")),
                    "cell " + cell + ": " + log(out, cell));
        }
        Map<Integer, String> finishedAt = new HashMap<>();
        for (int cell = 0; cell < 8; cell++) {
            if (cell != KILLED) {
                finishedAt.put(cell, Files.readString(out.resolve("cells/" + cell + "/done")));
            }
        }
        String status = Launcher.editlab(List.of("grid", "status", out.toString()));
        assertTrue(status.contains("8 cells: ") && status.contains("7 finished"), status);

        String resumed = Launcher.editlab(
                List.of("grid", "run", file.toString(), "--backend", "slurm", "--out", out.toString(), "--resume"));
        assertTrue(resumed.contains("submitted 1 cells as Slurm job array "), resumed);
        String second = resumed.replaceAll("(?s).*Slurm job array (\\d+).*", "$1");
        assertTrue(Files.readString(out.resolve("slurm/submit-2.sbatch")).contains("#SBATCH --array=" + KILLED + "\n"));
        awaitQueueEmpty(second);
        assertTrue(Files.exists(out.resolve("cells/" + KILLED + "/done")), log(out, KILLED));
        for (Map.Entry<Integer, String> cell : finishedAt.entrySet()) {
            assertEquals(
                    cell.getValue(),
                    Files.readString(out.resolve("cells/" + cell.getKey() + "/done")),
                    "cell " + cell.getKey() + " ran again");
            assertEquals(1, runs(out, cell.getKey()), "cell " + cell.getKey() + " ran again");
        }
        assertEquals(2, runs(out, KILLED), log(out, KILLED));

        String collected = Launcher.editlab(List.of("grid", "collect", out.toString()));
        assertTrue(collected.contains("8 of 8 cells merged"), collected);
        JsonObject results = JsonParser.parseString(Files.readString(out.resolve("results.json")))
                .getAsJsonObject();
        assertEquals(8, results.getAsJsonObject("grid").get("finished").getAsInt());
        JsonArray rows = results.getAsJsonArray("editors");
        assertEquals(4, rows.size());
        for (JsonElement element : rows) {
            JsonObject row = element.getAsJsonObject();
            assertEquals("ok", row.get("status").getAsString(), row.toString());
            assertEquals("[1,2]", row.getAsJsonObject("protocol").get("seeds").toString());
            JsonObject values = row.getAsJsonObject("final");
            for (String metric : List.of("reliability", "locality", "seconds_per_edit")) {
                assertFalse(values.get(metric).isJsonNull(), metric + " in " + row);
                assertTrue(values.get(metric + "_std").getAsDouble() >= 0, metric + "_std in " + row);
            }
        }
        assertTrue(Files.readString(out.resolve("report.html")).contains("<h2>reliability</h2>"));
        assertTrue(Files.readString(out.resolve("results.csv")).lines().count() == 5);
    }

    /** Why no Slurm cluster can be used here, or null; fails instead when EDITLAB_REQUIRE_SLURM=1. */
    private static String missingSlurm() throws InterruptedException {
        String why = null;
        try {
            Launcher.Result sinfo = Launcher.run(List.of("sinfo", "-h", "-o", "%t"), Duration.ofSeconds(30));
            if (sinfo.exit() != 0
                    || !sinfo.out().contains("idle") && !sinfo.out().contains("mix")) {
                why = "sinfo found no idle node (" + (sinfo.out() + sinfo.err()).strip() + ")";
            }
        } catch (IOException e) {
            why = "no Slurm client here (" + e.getMessage() + ")";
        }
        if (why != null) {
            why += ": start a one-node cluster with bash .ci/slurm-local up and export SLURM_CONF as it says";
            if ("1".equals(System.getenv("EDITLAB_REQUIRE_SLURM"))) {
                fail("EDITLAB_REQUIRE_SLURM=1 but " + why);
            }
        }
        return why;
    }

    /** The grid's array tasks Slurm has now: JOB_TASK to state. */
    private static Map<String, String> squeue() throws IOException, InterruptedException {
        Map<String, String> states = new HashMap<>();
        for (String line : Launcher.run(List.of("squeue", "-h", "-r", "-o", "%F_%K %T"), Duration.ofSeconds(30))
                .out()
                .split("\n")) {
            String[] fields = line.strip().split(" ");
            if (fields.length == 2) {
                states.put(fields[0], fields[1]);
            }
        }
        return states;
    }

    private static void awaitQueueEmpty(String job) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Launcher.LIMIT.toNanos();
        while (squeue().keySet().stream().anyMatch(task -> task.startsWith(job + "_"))) {
            if (System.nanoTime() > deadline) {
                fail("job " + job + " did not finish within " + Launcher.LIMIT + ": " + squeue());
            }
            Thread.sleep(500);
        }
    }

    /** How often the cell's run started, by the lines run-cell.sh writes to its log. */
    private static long runs(Path out, int cell) throws IOException {
        Path log = out.resolve("cells/" + cell + "/log");
        return !Files.exists(log)
                ? 0
                : Files.readAllLines(log).stream()
                        .filter(l -> l.startsWith("== cell "))
                        .count();
    }

    private static String log(Path out, int cell) throws IOException {
        Path log = out.resolve("cells/" + cell + "/log");
        return Files.exists(log) ? Files.readString(log) : "(no log)";
    }
}
