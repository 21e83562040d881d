package io.agnes.web;

import io.agnes.observability.PostHog;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;

/**
 * Sends {@link ContentSecurityPolicy} on every response, before anything is written (the snippet injector reads
 * the nonce from this header when it inserts the PostHog script). Mapped for REQUEST and ERROR: a container that
 * resets the response for an error page drops the headers set before.
 */
@WebFilter(filterName = "ContentSecurityPolicyFilter", asyncSupported = true)
public class ContentSecurityPolicyFilter extends HttpFilter {

    @Inject
    Settings settings;

    @Inject
    PostHog posthog;

    /** {@code null} = off. */
    ContentSecurityPolicy policy;

    @Override
    public void init() throws ServletException {
        ContentSecurityPolicy.Mode mode = ContentSecurityPolicy.Mode.from(settings);
        if (mode == ContentSecurityPolicy.Mode.OFF) {
            return;
        }
        policy = posthog.browserSources()
                .map(sources -> new ContentSecurityPolicy(mode, sources.scriptSrc(), sources.connectSrc(), sources.appSrc(), true))
                .orElseGet(() -> new ContentSecurityPolicy(mode, List.of(), List.of(), List.of(), false));
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        ContentSecurityPolicy current = policy;
        if (current != null && !response.isCommitted()) {
            String nonce = current.withNonce() ? ContentSecurityPolicy.newNonce() : null;
            String value = current.value(nonce);
            response.setHeader(current.mode().header(), value);
            if (nonce != null) {
                request.setAttribute(ContentSecurityPolicy.Sent.ATTRIBUTE, new ContentSecurityPolicy.Sent(value, nonce));
            }
        }
        chain.doFilter(request, response);
    }
}
