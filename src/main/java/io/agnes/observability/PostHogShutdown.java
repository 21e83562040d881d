package io.agnes.observability;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/**
 * Stops PostHog (delivers what is queued within {@code POSTHOG_SHUTDOWN_TIMEOUT}, ends every thread) when the web
 * application stops, while its class loader still loads classes. {@code @PreDestroy} on the facade comes too late
 * on Payara: by then the WAR's class loader refuses to load anything, so the sender thread died on the first class
 * of the delivery path not loaded yet (the whole backlog dropped in ~0.1 s) and the HTTP client's threads were
 * never shut down, pinning the class loader of every undeployed version (RedeployIT found both). The facade's
 * {@code @PreDestroy} stays as the fallback for containers without this listener; stopping twice is a no-op.
 */
@WebListener
public class PostHogShutdown implements ServletContextListener {

    @Inject
    PostHog posthog;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        posthog.stop();
    }
}
