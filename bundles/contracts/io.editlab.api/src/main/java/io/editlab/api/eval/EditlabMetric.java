package io.editlab.api.eval;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers a {@link Metric} service under its metric name: on a
 * component class, {@code @EditlabMetric("id")} sets the service property {@value Metric#NAME} to
 * {@code id}. Consumers filter on the same constant.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EditlabMetric {

    /** The id. */
    String value();
}
