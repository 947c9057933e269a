package io.editlab.itest;

import java.util.function.BooleanSupplier;

/** Polls a condition and reports how long it took to hold. */
final class Await {

    private Await() {}

    /** Milliseconds until {@code condition} held; fails after {@code timeoutMillis}. */
    static double millis(BooleanSupplier condition, long timeoutMillis, String what) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting until " + what);
            }
            Thread.sleep(1);
        }
        return (System.nanoTime() - start) / 1e6;
    }
}
