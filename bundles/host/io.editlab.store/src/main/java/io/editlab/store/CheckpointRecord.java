package io.editlab.store;

/** Metric values (JSON object) of one editor after {@code edits} edits of a run. */
public record CheckpointRecord(String runId, String editor, int edits, String values) {}
