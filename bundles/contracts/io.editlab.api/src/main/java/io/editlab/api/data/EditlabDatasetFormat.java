package io.editlab.api.data;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers a {@link DatasetReader} service under the format it
 * reads: on a component class, {@code @EditlabDatasetFormat("id")} sets the service property
 * {@value DatasetReader#FORMAT} to {@code id}. Consumers filter on the same constant.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EditlabDatasetFormat {

    /** The id. */
    String value();
}
