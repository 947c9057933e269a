package io.editlab.store;

/**
 * One editor of a run.
 *
 * @param status {@code pending} until done, then the report's status
 * @param report its results.json editor object once done, else null
 * @param resume where it can resume from (JSON), or null
 */
public record RunEditorRecord(String runId, String editor, String status, String report, String resume) {
    public static final String PENDING = "pending";
}
