package io.editlab.api.route;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers a {@link Router} service under its router id: on a
 * component class, {@code @EditlabRouter("id")} sets the service property {@value Router#NAME} to
 * {@code id}. Consumers filter on the same constant.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EditlabRouter {

    /** The id. */
    String value();
}
