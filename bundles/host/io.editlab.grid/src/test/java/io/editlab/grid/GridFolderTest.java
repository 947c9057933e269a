package io.editlab.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridFolderTest {

    @TempDir
    Path dir;

    private static Grid grid(String editors) {
        return GridFile.parse(
                "{\"name\": \"t\", \"editors\": [" + editors + "], \"edits\": [4], \"seeds\": [1, 2]}", "t.json", "t");
    }

    @Test
    void remembersTheGridItsCellsAndHowTheyEnded() throws IOException {
        GridFolder folder = GridFolder.prepare(dir, grid("\"grace\""), Path.of("/opt/editlab/editlab"));
        assertEquals(
                List.of(
                        "--model",
                        "builtin",
                        "--data",
                        "builtin",
                        "--editors",
                        "grace",
                        "--edits",
                        "4",
                        "--batch",
                        "1",
                        "--eval",
                        "final",
                        "--seed",
                        "2",
                        "--out",
                        dir.resolve("cells/1").toString()),
                folder.arguments(1));
        assertEquals(CellState.UNFINISHED, folder.state(0));
        folder.finish(0, 1);
        assertEquals(CellState.FAILED, folder.state(0));
        assertEquals(1, folder.exitCode(0));
        folder.finish(1, 0); // exit 0 but no results.json: not finished
        assertEquals(CellState.FAILED, folder.state(1));
        Files.writeString(folder.cell(1).resolve("results.json"), "{}");
        folder.finish(1, 0);
        assertEquals(CellState.FINISHED, folder.state(1));

        folder.record(new Submission("slurm", "41", List.of(0, 1), "2026-12-07T10:00:00Z"));
        folder.record(new Submission("slurm", "42", List.of(0), "2026-12-07T11:00:00Z"));
        GridFolder again = GridFolder.open(dir);
        assertEquals(grid("\"grace\"").cells(), again.grid().cells());
        assertEquals(
                List.of("41", "42"),
                again.submissions().stream().map(Submission::job).toList());
        assertEquals(CellState.FINISHED, again.state(1));
        String script = Files.readString(dir.resolve(GridFolder.SCRIPT));
        assertTrue(script.contains("editlab=\"${EDITLAB:-/opt/editlab/editlab}\""), script);
    }

    @Test
    void refusesAnotherGridInTheSameFolder() throws IOException {
        GridFolder.prepare(dir, grid("\"grace\""), Path.of("/opt/editlab/editlab"));
        GridFolder.prepare(dir, grid("\"grace\""), Path.of("/opt/editlab/editlab")); // the same grid again is fine
        String message = assertThrows(
                        GridFileException.class,
                        () -> GridFolder.prepare(dir, grid("\"memit\""), Path.of("/opt/editlab/editlab")))
                .getMessage();
        assertTrue(
                message.contains("holds another grid (cell 0 was grace [default] builtin/builtin T=4 b=1 final seed 1,"
                        + " is memit [default]"),
                message);
        assertTrue(assertThrows(GridFileException.class, () -> GridFolder.open(dir.resolve("cells")))
                .getMessage()
                .endsWith("not a grid's output folder (no grid.json)"));
    }

    /** The script every job runs, against a stand-in launcher: exit code, done marker, log, no second run. */
    @Test
    void theCellScriptRecordsTheOutcomeAndNeverRerunsAFinishedCell() throws Exception {
        Path launcher = dir.resolve("fake-editlab");
        Files.writeString(
                launcher,
                """
                #!/usr/bin/env bash
                # writes results.json into --out when the seed is 1, fails otherwise
                out=""; seed=""
                while [ $# -gt 0 ]; do case "$1" in --out) out="$2"; shift 2;; --seed) seed="$2"; shift 2;; *) shift;; esac; done
                echo "ran seed $seed"
                if [ "$seed" = 1 ]; then echo '{}' > "$out/results.json"; exit 0; fi
                exit 3
                """);
        launcher.toFile().setExecutable(true);
        GridFolder folder = GridFolder.prepare(dir.resolve("out"), grid("\"grace\""), launcher);
        assertEquals(0, bash(folder, 0));
        assertEquals(CellState.FINISHED, folder.state(0));
        assertEquals(3, bash(folder, 1));
        assertEquals(CellState.FAILED, folder.state(1));
        assertEquals(3, folder.exitCode(1));
        assertEquals(0, bash(folder, 0));
        String log = Files.readString(folder.cell(0).resolve("log"));
        assertEquals(1, log.split("ran seed 1", -1).length - 1, log); // the finished cell did not run again
        assertTrue(log.startsWith("== cell 0 on "), log);
        assertEquals(2, bash(folder, 9));
    }

    private static int bash(GridFolder folder, int cell) throws Exception {
        Process process = new ProcessBuilder(
                        "bash", folder.root().resolve(GridFolder.SCRIPT).toString(), Integer.toString(cell))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return process.waitFor();
    }
}
