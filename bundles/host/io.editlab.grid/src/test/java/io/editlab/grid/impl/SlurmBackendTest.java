package io.editlab.grid.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.editlab.grid.GridBackend.Scheduled;
import io.editlab.grid.GridFile;
import io.editlab.grid.GridFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlurmBackendTest {

    @TempDir
    Path dir;

    private GridFolder folder() throws Exception {
        return GridFolder.prepare(
                dir,
                GridFile.parse(
                        "{\"name\": \"frontier\", \"editors\": [\"grace\", \"memit\"],"
                                + " \"edits\": [4], \"seeds\": [1, 2, 3, 4]}",
                        "t.json",
                        "t"),
                Path.of("/opt/editlab/editlab"));
    }

    @Test
    void indicesBecomeRanges() {
        assertEquals("0-3,5,7-8", Ranges.of(List.of(0, 1, 2, 3, 5, 7, 8)));
        assertEquals("4", Ranges.of(List.of(4)));
    }

    @Test
    void oneArrayWhoseTaskIdIsTheCellIndex() throws Exception {
        Path preamble =
                Files.writeString(dir.resolve("modules.sh"), "module load cuda/12.1\nsource venv/bin/activate\n");
        String script = SlurmBackend.script(
                folder(),
                List.of(0, 1, 2, 5),
                Map.of(
                        "partition",
                        "gpu",
                        "gres",
                        "gpu:1",
                        "time",
                        "04:00:00",
                        "mem",
                        "32G",
                        "cpus",
                        "4",
                        "parallel",
                        "2",
                        "preamble",
                        preamble.toString()));
        assertTrue(script.contains("#SBATCH --array=0-2,5%2\n"), script);
        assertTrue(script.contains("#SBATCH --job-name=editlab-frontier\n"), script);
        assertTrue(
                script.contains("#SBATCH --partition=gpu\n#SBATCH --gres=gpu:1\n#SBATCH --time=04:00:00\n"
                        + "#SBATCH --mem=32G\n"),
                script);
        assertTrue(script.contains("#SBATCH --cpus-per-task=4\n"), script);
        assertTrue(script.contains("#SBATCH --output=" + dir.resolve("slurm/%A_%a.out") + "\n"), script);
        assertTrue(
                script.contains("module load cuda/12.1\nsource venv/bin/activate\nexec bash '"
                        + dir.resolve("run-cell.sh") + "' \"$SLURM_ARRAY_TASK_ID\"\n"),
                script);
        assertEquals(
                "--cpus must be a whole number of at least 1, not 'two'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SlurmBackend.script(folder(), List.of(0), Map.of("cpus", "two")))
                        .getMessage());
        assertEquals(
                "--partition must be one word, not 'gpu\n#SBATCH --x'",
                assertThrows(
                                IllegalArgumentException.class,
                                () -> SlurmBackend.script(
                                        folder(), List.of(0), Map.of("partition", "gpu\n#SBATCH --x")))
                        .getMessage());
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> SlurmBackend.script(
                                folder(),
                                List.of(0),
                                Map.of("preamble", dir.resolve("nope.sh").toString())))
                .getMessage()
                .startsWith("--preamble: no such file"));
    }

    @Test
    void queuedAndRunningCellsFromSqueue() {
        String squeue =
                """
                41|4|RUNNING|1:02|None
                41|5|PENDING|0:00|Resources
                99|6|RUNNING|5:00|None
                41|7|PENDING|0:00|None
                """;
        Map<Integer, Scheduled> states = SlurmBackend.parseSqueue(squeue, List.of("41"), Set.of(4, 5, 6));
        assertEquals(
                Map.of(
                        4,
                        new Scheduled("RUNNING 1:02, job 41_4", true),
                        5,
                        new Scheduled("PENDING (Resources), job 41_5", true)),
                states);
    }

    @Test
    void endedCellsFromSacctTheLatestSubmissionWinning() {
        String sacct =
                """
                41_3|CANCELLED by 0|0:15
                41_4|COMPLETED|0:0
                41_[5-6]|PENDING|0:0
                42_3|RUNNING|0:0
                41_2|FAILED|1:0
                """;
        Map<Integer, Scheduled> states = SlurmBackend.parseSacct(sacct, List.of("41", "42"), Set.of(2, 3));
        assertEquals(new Scheduled("RUNNING (exit 0:0), job 42_3", true), states.get(3));
        assertEquals(new Scheduled("FAILED (exit 1:0), job 41_2", false), states.get(2));
        assertFalse(states.containsKey(4));
    }
}
