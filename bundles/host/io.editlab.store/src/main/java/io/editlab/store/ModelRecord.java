package io.editlab.store;

import java.time.Instant;

/** A model loaded through the API: its id and folder, reloaded when the host starts again. */
public record ModelRecord(String id, String path, Instant loaded) {}
