package io.editlab.api.host;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers a {@link Command} service under its command name: on a
 * component class, {@code @EditlabCommand("id")} sets the service property {@value Command#NAME}
 * to {@code id}. Consumers filter on the same constant.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EditlabCommand {

    /** The id. */
    String value();
}
