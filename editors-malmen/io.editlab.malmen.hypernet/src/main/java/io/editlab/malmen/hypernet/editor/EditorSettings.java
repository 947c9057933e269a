package io.editlab.malmen.hypernet.editor;

import io.editlab.api.edit.ConfigOverrides;
import io.editlab.api.edit.EditException;
import io.editlab.malmen.hypernet.config.EditorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One editor's validated settings: the configured defaults with that editor's overrides applied.
 *
 * @param method the method id ({@code malmen} or {@code mend}), for messages
 * @param hypernet the hyper-network folder
 * @param lmBatchSize facts per LM mini-batch, or 0 for the hyper-network's training value
 * @param tokenChunk rows per hyper-network chunk
 * @param joint whether calls are traced on the unedited model and re-solved jointly
 */
record EditorSettings(String method, Path hypernet, int lmBatchSize, int tokenChunk, boolean joint) {

    static final String HYPERNET = "hypernet";
    static final Set<String> KEYS = Set.of(HYPERNET, "lmBatchSize", "tokenChunk", "mode");

    /** @throws EditException naming the first bad or unknown key */
    static EditorSettings read(String method, EditorConfig defaults, Map<String, ?> overrides) throws EditException {
        ConfigOverrides values = new ConfigOverrides(method, overrides, KEYS);
        String folder = values.text(HYPERNET, defaults.hypernet()).strip();
        if (folder.isEmpty()) {
            throw values.invalid(
                    HYPERNET,
                    folder,
                    "the folder written by './editlab train-hypernet --method " + method + "' (e.g. --config " + method
                            + ".hypernet=DIR)");
        }
        Path hypernet = Path.of(folder).toAbsolutePath().normalize();
        if (!Files.isDirectory(hypernet)) {
            throw values.invalid(
                    HYPERNET,
                    folder,
                    "an existing folder written by train-hypernet (" + hypernet + " is not a folder)");
        }
        int lmBatchSize = values.integer("lmBatchSize", defaults.lmBatchSize());
        if (lmBatchSize < 0) {
            throw values.invalid("lmBatchSize", lmBatchSize, "0 (the hyper-network's) or a positive number");
        }
        int tokenChunk = values.atLeast("tokenChunk", defaults.tokenChunk(), 1);
        String mode = values.text("mode", defaults.mode()).strip().toLowerCase(Locale.ROOT);
        if (!mode.equals("sequential") && !mode.equals("joint")) {
            throw values.invalid("mode", mode, "sequential or joint");
        }
        return new EditorSettings(method, hypernet, lmBatchSize, tokenChunk, mode.equals("joint"));
    }

    /** Checked when the component activates: everything but the hyper-network, which editors may override. */
    static void checkDefaults(String method, EditorConfig config) {
        try {
            ConfigOverrides values = new ConfigOverrides(method, Map.of(), KEYS);
            if (config.lmBatchSize() < 0) {
                throw values.invalid("lmBatchSize", config.lmBatchSize(), "0 or a positive number");
            }
            values.atLeast("tokenChunk", config.tokenChunk(), 1);
            String mode = config.mode().strip().toLowerCase(Locale.ROOT);
            if (!mode.equals("sequential") && !mode.equals("joint")) {
                throw values.invalid("mode", mode, "sequential or joint");
            }
        } catch (EditException e) {
            throw new IllegalArgumentException("invalid configuration io.editlab." + method + ": " + e.getMessage(), e);
        }
    }
}
