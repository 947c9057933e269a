package io.editlab.store;

import java.time.Instant;

/**
 * One applied batch of a session's journal.
 *
 * @param seq 1 for the first batch
 * @param requests the edit requests as JSON
 * @param file the state file written after it, or null once it was dropped to save space
 */
public record BatchRecord(
        String sessionId, int seq, String requests, int editCount, String file, double seconds, Instant applied) {}
