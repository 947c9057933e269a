package io.editlab.host.impl;

import io.editlab.api.edit.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar with rate and ETA, redrawn at most ten times a second. */
final class ProgressBar implements ProgressListener {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final long start = System.nanoTime();
    private long lastDraw;
    private String lastStage = "";

    ProgressBar(PrintStream out) {
        this.out = out;
    }

    @Override
    public void progress(String stage, long done, long total) {
        long now = System.nanoTime();
        boolean finished = total > 0 && done >= total;
        if (now - lastDraw < 100_000_000L && !finished && stage.equals(lastStage)) {
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
        out.println();
        out.flush();
    }

    static String line(String stage, long done, long total, double seconds) {
        if (total <= 0) {
            return String.format(Locale.ROOT, "%s  %d  %s", stage, done, clock(seconds));
        }
        double fraction = Math.min(1, done / (double) total);
        int filled = (int) Math.round(fraction * WIDTH);
        String eta = done == 0 ? "?" : clock(seconds * (total - done) / done);
        return String.format(Locale.ROOT, "[%s%s] %3.0f%%  %s  elapsed %s  eta %s", "#".repeat(filled),
                ".".repeat(WIDTH - filled), 100 * fraction, stage, clock(seconds), eta);
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
