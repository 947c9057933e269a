package io.editlab.api.edit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers an {@link EditMethod} service under its method id: on a
 * component class, {@code @EditlabMethod("id")} sets the service property {@value EditMethod#NAME}
 * to {@code id}. Consumers filter on the same constant.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EditlabMethod {

    /** The id. */
    String value();
}
