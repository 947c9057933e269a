package io.editlab.host.impl;

import io.editlab.api.edit.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress with rate and ETA. On a terminal, a one-line bar redrawn at most ten times a second;
 * otherwise (output to a file or a pipe: a grid cell's log, CI) a plain line when the stage changes,
 * at each tenth of a stage and at its end, or every 30 seconds when the total is unknown.
 */
final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 100_000_000L;
    private static final long LINE_NANOS = 30_000_000_000L;

    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastDraw;
    private String lastStage = "";
    private long lastTenth = -1;

    /** A bar on a terminal (when this process has a console), plain lines otherwise. */
    ProgressBar(PrintStream out) {
        this(out, System.console() != null);
    }

    ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void progress(String stage, long done, long total) {
        long now = System.nanoTime();
        boolean finished = total > 0 && done >= total;
        boolean newStage = !stage.equals(lastStage);
        if (!terminal) {
            long tenth = total > 0 ? Math.min(10, done * 10 / total) : -1;
            boolean due = total > 0 ? tenth > lastTenth : now - lastDraw >= LINE_NANOS;
            if (newStage || due) {
                lastDraw = now;
                lastStage = stage;
                lastTenth = tenth;
                out.println(line(stage, done, total, (now - start) / 1e9));
                out.flush();
            }
            return;
        }
        if (now - lastDraw < REDRAW_NANOS && !finished && !newStage) {
            return;
        }
        lastDraw = now;
        lastStage = stage;
        out.print('\r' + line(stage, done, total, (now - start) / 1e9) + "\u001b[K");
        if (finished) {
            out.println();
        }
        out.flush();
    }

    /** Ends the bar's line. */
    void done() {
        if (terminal) {
            out.println();
            out.flush();
        }
    }

    static String line(String stage, long done, long total, double seconds) {
        if (total <= 0) {
            return String.format(Locale.ROOT, "%s  %d  %s", stage, done, clock(seconds));
        }
        double fraction = Math.min(1, done / (double) total);
        int filled = (int) Math.round(fraction * WIDTH);
        String eta = done == 0 ? "?" : clock(seconds * (total - done) / done);
        return String.format(
                Locale.ROOT,
                "[%s%s] %3.0f%%  %s  elapsed %s  eta %s",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                100 * fraction,
                stage,
                clock(seconds),
                eta);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
