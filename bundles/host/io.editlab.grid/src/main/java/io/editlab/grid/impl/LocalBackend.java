package io.editlab.grid.impl;

import io.editlab.api.host.Command;
import io.editlab.grid.Cell;
import io.editlab.grid.EditlabGridBackend;
import io.editlab.grid.GridBackend;
import io.editlab.grid.GridFolder;
import io.editlab.grid.Submission;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Runs cells one after another in this process, through the {@code bench} command, for a laptop
 * or a single GPU box. What each cell prints goes to the console and to its {@code log}.
 */
@EditlabGridBackend("local")
@Component(service = GridBackend.class)
public final class LocalBackend implements GridBackend {

    private final Command bench;

    @Activate
    public LocalBackend(@Reference(target = "(" + Command.NAME + "=bench)") Command bench) {
        this.bench = bench;
    }

    @Override
    public Map<String, String> options() {
        return Map.of();
    }

    @Override
    public Submission submit(
            GridFolder folder, List<Integer> cells, Map<String, String> options, PrintStream out, PrintStream err)
            throws IOException {
        String started = Instant.now().toString();
        int done = 0;
        for (int index : cells) {
            Cell cell = folder.grid().cells().get(index);
            err.println(String.format(
                    java.util.Locale.ROOT,
                    "editlab grid: cell %d (%d of %d): %s",
                    index,
                    ++done,
                    cells.size(),
                    cell.describe()));
            List<String> arguments = folder.arguments(index);
            int exit;
            try (OutputStream log = Files.newOutputStream(
                            folder.cell(index).resolve("log"), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    PrintStream cellOut = new PrintStream(new Tee(out, log), true, StandardCharsets.UTF_8);
                    PrintStream cellErr = new PrintStream(new Tee(err, log), true, StandardCharsets.UTF_8)) {
                cellErr.println("== cell " + index + " in process at " + Instant.now() + ": bench "
                        + String.join(" ", arguments));
                try {
                    exit = bench.run(arguments, cellOut, cellErr);
                } catch (IllegalArgumentException e) {
                    cellErr.println("editlab bench: " + e.getMessage());
                    exit = 2;
                } catch (Exception e) {
                    cellErr.println("editlab bench: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    exit = 1;
                }
            }
            folder.finish(index, exit);
            err.println("editlab grid: cell " + index + " " + (exit == 0 ? "finished" : "failed (exit " + exit + ")"));
        }
        return new Submission("local", "local", cells, started);
    }

    /** Writes to two streams; closing it closes neither. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            first.flush();
            second.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
