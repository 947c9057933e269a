package io.editlab.store;

import java.time.Instant;

/**
 * An interactive session of the host.
 *
 * @param config the editor's complete options as JSON (its method's {@code EditOptions.values()})
 * @param head the state file after the last batch, or null when nothing is applied
 */
public record SessionRecord(
        String id,
        String name,
        String model,
        String editor,
        String config,
        Instant created,
        String head,
        int batches,
        int edits) {}
