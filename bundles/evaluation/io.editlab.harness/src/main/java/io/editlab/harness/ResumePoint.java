package io.editlab.harness;

import io.editlab.harness.RunReport.Checkpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where an editor of an interrupted comparison can go on from: its session and state saved after
 * {@code edits} edits of the run's stream, and what was measured up to then.
 *
 * @param edits how many edits of the ordered stream had been applied
 * @param snapshot the session file (deltas plus the editor's state) written at that point
 * @param checkpoints the checkpoints measured so far
 * @param perBatch with per-batch evaluation, the values of each batch so far (else empty)
 */
public record ResumePoint(int edits, Path snapshot, List<Checkpoint> checkpoints, List<Map<String, Double>> perBatch) {
    public ResumePoint {
        if (edits < 1) {
            throw new IllegalArgumentException("a resume point needs at least one applied edit");
        }
        Objects.requireNonNull(snapshot, "snapshot");
        checkpoints = List.copyOf(checkpoints);
        perBatch = perBatch.stream().map(Map::copyOf).toList();
    }
}
