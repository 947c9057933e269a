package io.editlab.api.edit;

import io.editlab.api.model.EditSession;
import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * An editing method, registered as a service with the property {@link #NAME} set to its short id
 * ({@code elder}, {@code lemoe}, {@code malmen}, {@code grace}, ...). Hosts find methods only
 * through this service, so a method bundle can be installed, updated or removed at any time.
 */
@ConsumerType
public interface EditMethod {

    /** Service property: the method's short id, used on command lines and in results. */
    String NAME = "editlab.method";

    /**
     * Creates an editor bound to one session.
     *
     * @param session the session the editor may change, and nothing else
     * @param overrides configuration values that take precedence over the method's configured
     *     defaults for this editor only; unknown keys are an error
     * @throws EditException when the configuration is invalid for this session's model
     */
    Editor create(EditSession session, Map<String, ?> overrides) throws EditException;
}
