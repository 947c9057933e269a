package io.editlab.api.data;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * Component property type that registers a {@link KnowledgeCorpus} service under its corpus id: on
 * a component class, {@code @EditlabCorpus("id")} sets the service property {@value
 * KnowledgeCorpus#NAME} to {@code id}. Consumers filter on the same constant.
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EditlabCorpus {

    /** The id. */
    String value();
}
