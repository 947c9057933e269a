package io.editlab.grid.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a scheduler's command-line tool (sbatch, squeue, sacct) with a time limit. */
final class Processes {

    /** What a command printed, and its exit code. */
    record Result(int exit, String out, String err) {}

    private Processes() {}

    /**
     * Runs {@code command}; its output goes through files, so a chatty tool cannot block.
     *
     * @throws IOException if it cannot start (the message says which tool is missing) or overran {@code limit}
     */
    static Result run(List<String> command, Duration limit) throws IOException {
        Path out = Files.createTempFile("editlab-grid", ".out");
        Path err = Files.createTempFile("editlab-grid", ".err");
        try {
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .start();
            } catch (IOException e) {
                throw new IOException(
                        command.get(0) + " could not be started (is it on the PATH?): " + e.getMessage(), e);
            }
            try {
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IOException(command.get(0) + " did not answer within " + limit.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException(command.get(0) + " was interrupted", e);
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
