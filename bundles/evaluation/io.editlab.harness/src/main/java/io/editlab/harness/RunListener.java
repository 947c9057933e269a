package io.editlab.harness;

import io.editlab.api.edit.ProgressListener;
import io.editlab.harness.RunReport.Checkpoint;
import io.editlab.harness.RunReport.EditorReport;
import java.nio.file.Path;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Follows a comparison as it runs: progress, every checkpoint as soon as it is measured, each
 * editor's report as soon as the editor is done. It may also ask for resumable checkpoints and
 * cancel the run. Called on the run's thread; keep the calls short.
 */
@ConsumerType
public interface RunListener extends ProgressListener {

    @Override
    default void progress(String stage, long done, long total) {}

    /**
     * Where to save the editor's session and state at the checkpoint after {@code edits} edits, so
     * that the run can resume from there; null (the default) saves nothing.
     */
    default Path checkpointFile(String editor, int edits) {
        return null;
    }

    /**
     * A checkpoint was measured.
     *
     * @param resume how to resume the editor from here, or null when no checkpoint file was asked for
     */
    default void checkpoint(String editor, Checkpoint checkpoint, ResumePoint resume) {}

    /** An editor finished, failed or was cancelled. */
    default void editorFinished(EditorReport report) {}

    /** Asked between batches: true stops the run (the current editor and the rest are reported cancelled). */
    default boolean cancelled() {
        return false;
    }
}
