package io.editlab.store;

import java.time.Instant;

/**
 * A named snapshot of a session.
 *
 * @param batches and edits: the session's counters when it was taken
 * @param file its state file, or null when taken before any edit
 */
public record SnapshotRecord(
        String sessionId, int number, String label, int batches, int edits, String file, Instant created) {}
