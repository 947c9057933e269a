package io.editlab.api.loss;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers a {@link Loss} service under its loss id: on a component
 * class, {@code @EditlabLoss("id")} sets the service property {@value Loss#NAME} to {@code id}.
 * Consumers filter on the same constant.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EditlabLoss {

    /** The id. */
    String value();
}
