package io.editlab.runtime.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Exempts a test (or a class of tests) from {@link LeakCheck}: its arrays are meant to outlive it, for the reason given. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface KeepsArrays {

    /** Why the arrays stay alive, and who frees them. */
    String value();
}
