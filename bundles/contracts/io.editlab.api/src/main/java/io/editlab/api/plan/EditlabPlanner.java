package io.editlab.api.plan;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers an {@link EditOrderPlanner} service under its planner id:
 * on a component class, {@code @EditlabPlanner("id")} sets the service property {@value
 * EditOrderPlanner#NAME} to {@code id}. Consumers filter on the same constant.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EditlabPlanner {

    /** The id. */
    String value();
}
