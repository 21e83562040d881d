package io.agnes.observability;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Errors leaving the annotated bean's methods — and its EJB timeouts — become PostHog {@code $exception}
 * events (distinct id {@code system}) tagged with {@code component}; the error itself propagates unchanged.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface ErrorTracked {

    /** The {@code component} property, e.g. {@code orchestrator} or {@code scheduler}. */
    @Nonbinding
    String component() default "";
}
