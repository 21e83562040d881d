package io.agnes.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;

/**
 * Makes Eclipse Krazo's {@code FormMethodOverwriteFilter} one instance per deployment instead of one per request.
 * Krazo declares it {@code @RequestScoped}, so every request Jersey filters (pages and the JSON API: Jersey runs as a
 * filter in front of every path) makes a new one, and its constructor runs a {@code ServiceLoader} scan over the
 * application's and the server's jars — ~365 zip directory lookups and ~140 KB allocated per request, nearly half of
 * the server's CPU for a 30 KB page (docs/performance.md, round 10). Nothing in it belongs to one request: the form reader its
 * constructor finds is stateless, and the Krazo configuration it reads per request reaches the request's JAX-RS
 * configuration through Krazo's own request-scoped producer.
 *
 * <p>Only a filter that is still request-scoped is changed, so a Krazo that fixes this itself needs nothing from us.
 */
public class KrazoFilterScope implements Extension {

    static final String FILTER = "org.eclipse.krazo.forms.FormMethodOverwriteFilter";

    /** Only request-scoped types are offered: any type otherwise, and Weld warns at every deployment that it is. */
    void oncePerDeployment(@Observes @WithAnnotations(RequestScoped.class) ProcessAnnotatedType<?> type) {
        if (type.getAnnotatedType().getJavaClass().getName().equals(FILTER)
                && type.getAnnotatedType().isAnnotationPresent(RequestScoped.class)) {
            type.configureAnnotatedType()
                    .remove(annotation -> annotation.annotationType() == RequestScoped.class)
                    .add(ApplicationScoped.Literal.INSTANCE);
        }
    }
}
