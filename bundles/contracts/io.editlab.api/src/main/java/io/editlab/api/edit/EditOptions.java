package io.editlab.api.edit;

import java.util.Map;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One editor's complete options: every option its method declares (the attributes of the method's
 * metatype configuration), each with the value this editor runs with, of its declared type and
 * already checked. Made by {@link EditMethod#options}; each method implements it as a record whose
 * components are its options, so that its code reads them typed.
 *
 * <p>Checks that need the session's model (a block index below the model's depth, a module that
 * exists in it) are made when {@link EditMethod#create} resolves the options against that model.
 *
 * @since 3.0
 */
@ConsumerType
public interface EditOptions {

    /**
     * Every option's value as text, by name, in the method's declaration order. {@link
     * EditMethod#options} given this map makes equal options whatever the configured defaults are
     * then: the form in which a session file saves the options next to the editor's state, and in
     * which results report them.
     */
    Map<String, String> values();
}
