package io.editlab.harness;

import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
import io.editlab.api.edit.EditOptions;
import io.editlab.api.edit.Editor;
import io.editlab.api.edit.EditorState;
import io.editlab.api.model.EditSession;
import io.editlab.api.model.ModelException;
import io.editlab.api.model.ModelHandle;
import io.editlab.api.model.RestoredSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An editor and its session in one safetensors file (the session's deltas, the editor's own state
 * and the editor's options), written atomically, and opened again into a new session with a new
 * editor of the same method and the same options: how runs resume and how a host's sessions survive
 * a restart.
 */
public final class SessionFiles {

    /** The prefix of the metadata entries that hold the editor's options. */
    public static final String OPTIONS = "options.";

    /** A session with its editor and the options it was made with. Close the editor, then the session. */
    public record Opened(EditSession session, Editor editor, EditOptions options) {}

    private SessionFiles() {}

    /**
     * Writes the session, the editor's state and its options to {@code file}, replacing it only once
     * complete.
     */
    public static void save(Opened opened, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (NDManager scratch = opened.session().manager().newSubManager()) {
            EditorState state = opened.editor().state(scratch);
            Map<String, String> metadata = new LinkedHashMap<>(state.metadata());
            opened.options().values().forEach((key, value) -> metadata.put(OPTIONS + key, value));
            opened.session().save(partial, state.tensors(), metadata);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A new session named {@code name} with a new editor of {@code method}: fresh when {@code file}
     * is null, else with the deltas, editor state and options saved in {@code file}. The saved
     * options are used whatever the method's configured defaults are now; {@code overrides} go over
     * them. Nothing stays open when it fails.
     *
     * @throws EditException when the options are invalid (saved ones: naming the file) or the
     *     editor refuses the session or its saved state
     */
    public static Opened open(ModelHandle model, String name, EditMethod method, Map<String, ?> overrides, Path file)
            throws ModelException, EditException {
        EditSession session;
        EditorState state = null;
        EditOptions options;
        if (file == null) {
            options = method.options(overrides);
            session = model.openSession(name);
        } else {
            RestoredSession restored = model.restoreSession(name, file);
            session = restored.session();
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Object> saved = new LinkedHashMap<>();
            restored.metadata().forEach((key, value) -> {
                if (key.startsWith(OPTIONS)) {
                    saved.put(key.substring(OPTIONS.length()), value);
                } else {
                    metadata.put(key, value);
                }
            });
            saved.putAll(overrides);
            try {
                options = method.options(saved);
            } catch (EditException e) {
                session.close();
                throw new EditException(file + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                session.close();
                throw e;
            }
            state = new EditorState(restored.extra(), metadata);
        }
        Editor editor = null;
        try {
            editor = method.create(session, options);
            if (state != null) {
                editor.restore(state);
            }
            return new Opened(session, editor, options);
        } catch (EditException | RuntimeException e) {
            if (editor != null) {
                editor.close();
            }
            session.close();
            throw e;
        }
    }
}
