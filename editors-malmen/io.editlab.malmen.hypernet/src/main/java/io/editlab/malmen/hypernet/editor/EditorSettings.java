package io.editlab.malmen.hypernet.editor;

import io.editlab.api.edit.EditException;
import io.editlab.editkit.Options;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One editor's settings: its {@link HypernetOptions} with the hyper-network folder resolved.
 *
 * @param method the method id ({@code malmen} or {@code mend}), for messages
 * @param hypernet the hyper-network folder
 * @param lmBatchSize facts per LM mini-batch, or 0 for the hyper-network's training value
 * @param tokenChunk rows per hyper-network chunk
 * @param joint whether calls are traced on the unedited model and re-solved jointly
 */
record EditorSettings(String method, Path hypernet, int lmBatchSize, int tokenChunk, boolean joint) {

    static final String HYPERNET = "hypernet";

    /**
     * The settings of an editor of {@code method} with {@code options}.
     *
     * @throws EditException when the hyper-network folder is not given or not a folder
     */
    static EditorSettings of(String method, HypernetOptions options) throws EditException {
        String folder = options.hypernet().strip();
        if (folder.isEmpty()) {
            throw Options.invalid(
                    method,
                    HYPERNET,
                    folder,
                    "the folder written by './editlab train-hypernet --method " + method + "' (e.g. --config " + method
                            + ".hypernet=DIR)");
        }
        Path hypernet = Path.of(folder).toAbsolutePath().normalize();
        if (!Files.isDirectory(hypernet)) {
            throw Options.invalid(
                    method,
                    HYPERNET,
                    folder,
                    "an existing folder written by train-hypernet (" + hypernet + " is not a folder)");
        }
        return new EditorSettings(
                method,
                hypernet,
                options.lmBatchSize(),
                options.tokenChunk(),
                options.mode().strip().equalsIgnoreCase("joint"));
    }
}
