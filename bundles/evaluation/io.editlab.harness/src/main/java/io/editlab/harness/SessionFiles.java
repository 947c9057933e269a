package io.editlab.harness;

import ai.djl.ndarray.NDManager;
import io.editlab.api.edit.EditException;
import io.editlab.api.edit.EditMethod;
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
import java.util.Map;

/**
 * An editor and its session in one safetensors file (the session's deltas plus the editor's own
 * state), written atomically, and opened again into a new session with a new editor of the same
 * method: how runs resume and how a host's sessions survive a restart.
 */
public final class SessionFiles {

    /** A session with its editor. Close the editor, then the session. */
    public record Opened(EditSession session, Editor editor) {}

    private SessionFiles() {}

    /** Writes the session and the editor's state to {@code file}, replacing it only once complete. */
    public static void save(EditSession session, Editor editor, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (NDManager scratch = session.manager().newSubManager()) {
            EditorState state = editor.state(scratch);
            session.save(partial, state.tensors(), state.metadata());
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * A new session named {@code name} with a new editor of {@code method}: fresh when {@code file}
     * is null, else with the deltas and editor state saved in {@code file}. Nothing stays open when
     * it fails.
     */
    public static Opened open(ModelHandle model, String name, EditMethod method, Map<String, ?> overrides, Path file)
            throws ModelException, EditException {
        EditSession session;
        EditorState state = null;
        if (file == null) {
            session = model.openSession(name);
        } else {
            RestoredSession restored = model.restoreSession(name, file);
            session = restored.session();
            state = new EditorState(restored.extra(), restored.metadata());
        }
        Editor editor = null;
        try {
            editor = method.create(session, overrides);
            if (state != null) {
                editor.restore(state);
            }
            return new Opened(session, editor);
        } catch (EditException | RuntimeException e) {
            if (editor != null) {
                editor.close();
            }
            session.close();
            throw e;
        }
    }
}
