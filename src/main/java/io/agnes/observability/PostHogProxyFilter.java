package io.agnes.observability;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.EnumSet;

/**
 * Serves {@code POSTHOG_PROXY_PATH} with {@link PostHogProxy}, ahead of every filter of Agnes.
 *
 * <p>A filter rather than a servlet, registered only while the proxy is on ({@link #register}) and mapped BEFORE
 * the filters declared in {@code web.xml} ({@code isMatchAfter = false}), and it never calls the rest of the chain.
 * So for the proxy path none of Agnes runs: no GZIP (PostHog's bytes and {@code Content-Encoding} pass untouched),
 * no snippet injection, no request id, no error reporting (a PostHog outage is not an Agnes {@code $exception}), no
 * authentication (the path is public, and no session lookup per analytics beacon), no Jersey or Krazo (no
 * {@code JSESSIONID}, no CSRF header). A servlet behind those filters would need an exception in each of them.
 * While the proxy is off nothing of it exists.
 */
public class PostHogProxyFilter extends HttpFilter {

    static final String NAME = "PostHogProxy";

    private final transient PostHogProxy proxy;

    PostHogProxyFilter(PostHogProxy proxy) {
        this.proxy = proxy;
    }

    /**
     * Maps the proxy at {@code <path>/*} ahead of the declared filters. Call from a
     * {@code ServletContextListener}'s {@code contextInitialized} (the Servlet API allows it only there).
     */
    public static void register(ServletContext context, PostHogProxy proxy) {
        FilterRegistration.Dynamic registration = context.addFilter(NAME, new PostHogProxyFilter(proxy));
        if (registration == null) {
            throw new IllegalStateException("a filter named " + NAME + " is already registered");
        }
        // REQUEST only: the proxy never sends an error dispatch, and Agnes never forwards or includes below it
        registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, proxy.route().path() + "/*");
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException {
        proxy.forward(request, response); // never chain.doFilter: nothing else of Agnes sees proxied traffic
    }

    @Override
    public void destroy() {
        proxy.stop();
    }
}
