package io.agnes.observability;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts the same-origin PostHog proxy at deployment when the integration is on and {@code POSTHOG_PROXY_PATH} is
 * set (see {@link ProxyRoute}), and stops its threads at undeploy. Otherwise nothing of the proxy is created.
 * A {@code @WebListener}, because only a declared listener may add filters to the context.
 */
@WebListener
public class PostHogProxyRegistration implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(PostHogProxyRegistration.class.getName());

    @Inject
    PostHog posthog;

    @Inject
    ProxyCounters counters;

    private volatile PostHogProxy proxy;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        PostHogSettings settings = posthog.config();
        if (!posthog.enabled() || settings.proxy().isEmpty()) {
            return;
        }
        ProxyRoute route = settings.proxy().get();
        try {
            PostHogProxy started = PostHogProxy.start(route, settings.requestTimeout(), counters);
            try {
                PostHogProxyFilter.register(event.getServletContext(), started);
            } catch (RuntimeException e) {
                started.stop();
                throw e;
            }
            proxy = started;
            LOG.info("PostHog same-origin proxy on: " + event.getServletContext().getContextPath() + route.summary());
        } catch (RuntimeException e) {
            // fail-safe: the browser then cannot reach PostHog through Agnes, but Agnes itself is unaffected
            LOG.log(Level.SEVERE, "The PostHog same-origin proxy could not start and stays off", e);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        PostHogProxy running = proxy;
        if (running != null) {
            running.stop();
            proxy = null;
        }
    }
}
