package io.editlab.store;

import java.time.Instant;

/**
 * One comparison run.
 *
 * @param spec the request as JSON
 * @param status one of the constants below
 * @param results results.json once finished, else null
 */
public record RunRecord(
        String id,
        String status,
        String spec,
        Instant created,
        Instant started,
        Instant finished,
        String error,
        String results) {
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String FINISHED = "finished";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    public static final String INTERRUPTED = "interrupted";

    /** True once the run will not change any more by itself. */
    public boolean ended() {
        return !status.equals(QUEUED) && !status.equals(RUNNING);
    }
}
