package io.editlab.harness;

import io.editlab.api.edit.ProgressListener;
import org.osgi.annotation.versioning.ProviderType;

/** Runs lifelong-editing comparisons. */
@ProviderType
public interface Harness {

    /**
     * Runs every editor of the request in its own new session on the request's model and reports
     * them side by side. An editor that fails (throws, produces NaN, runs out of memory, or is not
     * installed) is reported as failed with its error; its session is discarded and the others
     * finish. Sessions are closed at the end.
     *
     * @param progress told of each editor's progress; stages start with the editor's id
     */
    RunReport run(RunRequest request, ProgressListener progress);

    /**
     * Runs a comparison as {@link #run(RunRequest, ProgressListener)} does, telling {@code listener}
     * of every checkpoint and finished editor as it happens, saving resumable checkpoints where the
     * listener asks for them, resuming editors from {@link RunRequest#resume()} and stopping when the
     * listener cancels. An editor whose method is uninstalled during the run fails; the others go on.
     */
    RunReport run(RunRequest request, RunListener listener);
}
