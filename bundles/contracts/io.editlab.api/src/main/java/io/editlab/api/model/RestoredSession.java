package io.editlab.api.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Objects;

/**
 * A session re-opened from a file, with what was saved beside its deltas.
 *
 * @param session the new session, deltas restored
 * @param extra the extra tensors, owned by the session's manager
 * @param metadata the metadata
 */
public record RestoredSession(EditSession session, Map<String, NDArray> extra, Map<String, String> metadata) {
    public RestoredSession {
        Objects.requireNonNull(session, "session");
        extra = extra == null ? Map.of() : Map.copyOf(extra);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
