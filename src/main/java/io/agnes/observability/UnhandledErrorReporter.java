package io.agnes.observability;

import io.agnes.auth.CurrentUser;
import io.agnes.web.UnhandledError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every error that ended a request in a 500 — in JAX-RS (the exception mapper) or outside it (pages, servlets,
 * filters) — becomes an unhandled {@code $exception} with the request and the user who hit it.
 */
@ApplicationScoped
public class UnhandledErrorReporter {

    @Inject
    PostHog posthog;

    @Inject
    RequestEvents requestEvents;

    @Inject
    CurrentUser currentUser;

    void report(@Observes UnhandledError unhandled) {
        if (!posthog.enabled()) {
            return;
        }
        RequestEvents.Origin origin = requestEvents.of(unhandled.request(), currentUser.get());
        Map<String, Object> properties = new LinkedHashMap<>(origin.properties());
        properties.put("layer", unhandled.layer());
        posthog.captureException(unhandled.error(), origin.identity(), properties, false);
    }
}
