package io.editlab.api.edit;

import io.editlab.api.model.EditSession;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An editing method, registered as a service with the property {@link #NAME} set to its short id
 * ({@code elder}, {@code lemoe}, {@code malmen}, {@code grace}, ...). Hosts find methods only
 * through this service, so a method bundle can be installed, updated or removed at any time.
 *
 * <p>An editor is made in two steps: {@link #options} reads and checks the configuration once (the
 * method's configured defaults with per-editor overrides over them) into the method's typed options
 * record, and {@link #create} makes an editor with those options for one session.
 */
@ConsumerType
public interface EditMethod {

    /** Service property: the method's short id, used on command lines and in results. */
    String NAME = "editlab.method";

    /**
     * This method's complete options: its configured defaults (metatype configuration) with {@code
     * overrides} taking precedence.
     *
     * @param overrides option values by name; values may be text (as typed on a command line),
     *     numbers or booleans
     * @throws EditException naming the option when a key is unknown or a value is malformed or out
     *     of range
     */
    EditOptions options(Map<String, ?> overrides) throws EditException;

    /**
     * Creates an editor bound to one session.
     *
     * @param session the session the editor may change, and nothing else
     * @param options options made by this method's {@link #options} (options of another kind are
     *     read again from their {@link EditOptions#values})
     * @throws EditException when the options do not fit this session's model
     */
    Editor create(EditSession session, EditOptions options) throws EditException;

    /**
     * Creates an editor with {@link #options options(overrides)}.
     *
     * @throws EditException as {@link #options} and {@link #create(EditSession, EditOptions)} do
     */
    default Editor create(EditSession session, Map<String, ?> overrides) throws EditException {
        return create(session, options(overrides));
    }
}
