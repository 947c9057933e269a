package io.editlab.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./editlab grid} with the {@code local} backend, as on a laptop: cells run one after another
 * in the command's own process; an editor that refuses its settings fails its cells without stopping
 * the others; a second {@code run} needs {@code --resume}, which re-runs the failed cells only; the
 * merged report lists the failures with the editor's reason.
 */
class LocalGridIT {

    private static final Path DIR = Host.ROOT.resolve("bndrun/target/local-grid-it");

    @Test
    void cellsRunInProcessFailuresAreContainedAndResumeRerunsOnlyThem() throws Exception {
        Host.deleteTree(DIR);
        Files.createDirectories(DIR);
        Path file = Files.writeString(
                DIR.resolve("grid.json"),
                """
                {"name": "local-it",
                 "editors": ["grace", {"method": "grace", "label": "grace-bad", "config": {"steps": 0}}],
                 "edits": [4], "batch": [2], "seeds": [1, 2],
                 "bench": {"checkpoint": 2, "generation": false}}
                """);
        Path out = DIR.resolve("out");
        List<String> run = List.of(
                "bash",
                Host.ROOT.resolve("editlab").toString(),
                "grid",
                "run",
                file.toString(),
                "--out",
                out.toString());

        Launcher.Result first = Launcher.run(run, Launcher.LIMIT);
        assertEquals(1, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("4 cells run, 2 failed"), first.out());
        for (int cell = 0; cell < 4; cell++) {
            assertEquals(cell < 2, Files.exists(out.resolve("cells/" + cell + "/done")), "cell " + cell);
            assertEquals(1, runs(out, cell), "cell " + cell);
        }
        String status = Launcher.editlab(List.of("grid", "status", out.toString()));
        assertTrue(status.contains("4 cells: 2 failed, 2 finished"), status);

        Launcher.Result again = Launcher.run(run, Launcher.LIMIT);
        assertEquals(2, again.exit(), again.err());
        assertTrue(again.err().contains("--resume runs what has not finished"), again.err());

        List<String> resume = new java.util.ArrayList<>(run);
        resume.add("--resume");
        Launcher.Result resumed = Launcher.run(resume, Launcher.LIMIT);
        assertTrue(resumed.out().contains("2 cells run, 2 failed"), resumed.out() + resumed.err());
        for (int cell = 0; cell < 4; cell++) {
            assertEquals(cell < 2 ? 1 : 2, runs(out, cell), "cell " + cell);
        }

        String collected = Launcher.editlab(List.of("grid", "collect", out.toString()));
        assertTrue(collected.contains("2 of 4 cells merged"), collected);
        JsonObject grid = JsonParser.parseString(Files.readString(out.resolve("results.json")))
                .getAsJsonObject()
                .getAsJsonObject("grid");
        assertEquals(2, grid.getAsJsonArray("failed").size());
        String reason = grid.getAsJsonArray("failed")
                .get(0)
                .getAsJsonObject()
                .get("reason")
                .getAsString();
        assertTrue(reason.contains("steps"), "the editor's own reason, naming the key: " + reason);
    }

    /** How often the cell ran, by the line each run writes to its log first. */
    private static long runs(Path out, int cell) throws java.io.IOException {
        return Files.readAllLines(out.resolve("cells/" + cell + "/log")).stream()
                .filter(line -> line.startsWith("== cell " + cell + " in process"))
                .count();
    }
}
