package io.editlab.grid;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers a {@link GridBackend} service under its backend name: on a
 * component class, {@code @EditlabGridBackend("slurm")} sets the service property {@value
 * GridBackend#NAME} to {@code slurm}.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EditlabGridBackend {

    /** The backend's name, as {@code ./editlab grid run --backend} takes it. */
    String value();
}
