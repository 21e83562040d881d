package io.agnes.observability;

import io.agnes.web.AsyncFinishWatch;
import io.agnes.web.FinishOnAsyncComplete;
import io.agnes.web.Setting;
import io.agnes.web.Settings;

import io.agnes.auth.AuthenticatedUser;
import io.agnes.auth.CurrentUser;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;

import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Puts the PostHog browser snippet into every HTML page Agnes serves (controllers' JSP views, standalone pages,
 * error pages, static {@code .html} files), streaming: before the first {@code </head>}, once, and leaves every
 * other response byte-identical.
 *
 * <h2>Wiring</h2>
 * Mapped in {@code web.xml} right AFTER the GZIP filter (filter order is {@code <filter-mapping>} order), for the
 * REQUEST, ERROR and ASYNC dispatchers, so it sees uncompressed HTML and the client receives compressed HTML that
 * contains the snippet (the reverse order would scan compressed bytes and find nothing):
 * <pre>{@code
 * <filter-mapping>
 *     <filter-name>SnippetInjectionFilter</filter-name>
 *     <url-pattern>/*</url-pattern>
 *     <dispatcher>REQUEST</dispatcher>
 *     <dispatcher>ERROR</dispatcher>
 *     <dispatcher>ASYNC</dispatcher>
 * </filter-mapping>
 * }</pre>
 * The filter does nothing at all, not even wrap the response, while {@link #snippets} is {@code null}: that is
 * the "integration off" state, and the state of the container-created instance until it is given a source. When
 * PostHog is on, {@link #init()} gives it one: the deployment's snippet is prepared once
 * ({@link SnippetRenderer#prepare}: the stub loader and the options every page shares) and each page adds only its
 * nonce, host, identity and flags.
 * Tests construct it with {@link #SnippetInjectionFilter(SnippetSource, InjectionCounters, Collection)}.
 *
 * <h2>Where the snippet goes</h2>
 * Before the first {@code </head>} (ASCII case-insensitive, whitespace allowed before {@code >}: {@code </HEAD >};
 * never {@code </header>}), not after {@code <head>}: the page's own {@code <meta charset>} (which must come in the
 * first 1024 bytes), {@code <base>}, CSP {@code <meta>} and stylesheets come first, and the first paint is not held
 * by a script the page did not ask for. A page without {@code </head>} is served byte-identical; so is one whose
 * {@code </head>} does not come within the first {@value InjectionResponse#SCAN_LIMIT} characters (or bytes): a
 * head that large is pathological, and the limit bounds the work per response. A {@code </head>} written inside a
 * comment or a script string of the head counts as the head's end (the scanner does not parse HTML).
 *
 * <h2>What is left alone</h2>
 * Decided per response from its final headers (see {@link InjectionSkip} for every reason): a HEAD request, an
 * excluded path, a Content-Type other than {@code text/html} / {@code application/xhtml+xml} (JSON, CSS, JS,
 * images, {@code text/event-stream}), an existing {@code Content-Encoding}, {@code Content-Disposition: attachment},
 * status 1xx/204/304/206, a marker header ({@value InjectionResponse#MARKER}, {@code x-datadog-rum-injected},
 * {@code X-OneAgent-JS-Injection}), a page that already has {@code posthog.init} before its {@code </head>} (the
 * guard only looks at the head, the part scanned), bytes in a charset that does not encode ASCII as itself
 * (UTF-16, Shift_JIS; a page written through {@code getWriter()} is matched as characters and works in any
 * charset), non-blocking output.
 *
 * <h2>Streaming and headers</h2>
 * No body is buffered: only a look-behind window of at most {@value StreamingHeadMatcher#MAX_PENDING} units (a
 * possible {@code </head} and its whitespace) is held between writes, so time to first byte and memory are the
 * container's. The trade-off: the marker header and a corrected {@code Content-Length} can only go out if the
 * response is not yet committed when {@code </head>} arrives. With the container's 8 KB buffer (and the GZIP
 * filter's own buffer ahead of it) that is every ordinary page; a page that flushes inside its head, or whose
 * head outgrows the buffer, still gets the snippet but without the marker, and without a Content-Length (the
 * container frames it). An injected page without a Cache-Control of its own gets {@code Cache-Control: private}
 * (the snippet is personal: identity, flags). See {@link InjectionResponse}.
 *
 * <h2>Failures, asynchronous requests</h2>
 * A snippet source that throws leaves the page unmodified; the failure is counted and logged at most once per
 * minute ({@link InjectionCounters}). {@code sendError} and {@code sendRedirect} pass through; the error page is
 * rendered at an ERROR dispatch where the filter applies afresh. An asynchronous request's body ends when its
 * {@code AsyncContext} completes (through the context the application got, or an {@link AsyncListener}), not when
 * the first dispatch returns; the application's own listeners and work run as they would without this filter. A
 * later ASYNC or ERROR dispatch over a response this filter already handles never injects a second time.
 *
 * <h2>Configuration</h2>
 * {@code POSTHOG_SNIPPET_EXCLUDE_PATHS}: comma-separated path prefixes (below the context path) whose pages are left
 * alone, parsed by {@link #excludedPaths(Settings)}; tests pass them to the constructor.
 */
@WebFilter(filterName = "SnippetInjectionFilter", asyncSupported = true)
public class SnippetInjectionFilter extends HttpFilter {

    /** The request attribute holding this request's InjectionResponse, found again at ASYNC and ERROR dispatches. */
    static final String RESPONSE_ATTRIBUTE = SnippetInjectionFilter.class.getName() + ".response";

    /** Where the snippet comes from; {@code null} = the integration is off and nothing is wrapped. */
    volatile SnippetSource snippets;
    InjectionCounters counters = new InjectionCounters();
    /** Path prefixes (below the context path) never injected, e.g. {@code /api/docs}. */
    List<String> excludedPaths = List.of();

    /** For the container: off until {@link #snippets} is set. */
    public SnippetInjectionFilter() {
    }

    /**
     * @param snippets      the snippet of a page; {@code null} = off
     * @param counters      where outcomes are counted
     * @param excludedPaths path prefixes below the context path that are never injected ({@code /api/docs} covers
     *                      {@code /api/docs} and {@code /api/docs/…}, not {@code /api/docsearch})
     */
    public SnippetInjectionFilter(SnippetSource snippets, InjectionCounters counters, Collection<String> excludedPaths) {
        this.snippets = snippets;
        this.counters = counters;
        this.excludedPaths = List.copyOf(excludedPaths);
    }

    public InjectionCounters counters() {
        return counters;
    }

    @Inject
    PostHog posthog;

    @Inject
    CurrentUser currentUser;

    @Inject
    InjectionCounters sharedCounters;

    @Inject
    Settings appSettings;

    /** In the server: on when the integration is on, with the snippet rendered for each page's user. */
    @Override
    public void init() throws ServletException {
        if (sharedCounters != null) {
            counters = sharedCounters;
        }
        if (snippets == null && posthog != null && posthog.enabled()) {
            excludedPaths = excludedPaths(appSettings);
            PostHogSettings settings = posthog.config();
            // everything every page shares, rendered once: the context path of a web application never changes
            SnippetRenderer.Prepared shared = SnippetRenderer.prepare(SnippetContext.of(settings, null, null, Map.of(),
                    null).withHosts(settings.browserApiHost(getServletContext().getContextPath()),
                    settings.browserUiHost(), null));
            snippets = (request, nonce) -> {
                SnippetContext.User user = pageUser();
                // flags are evaluated for the server's distinct id, which the browser only shares when identified
                Map<String, Object> flags = user == null || settings.identifyMode() == IdentifyMode.NONE ? Map.of()
                        : posthog.bootstrapFlags(user.id());
                return shared.render(user, request.getServerName(), flags, nonce);
            };
        }
    }

    /** The signed-in user of the page being written, or null (anonymous, or no request context on this thread). */
    private SnippetContext.User pageUser() {
        try {
            AuthenticatedUser user = currentUser.getUser();
            return user == null ? null : new SnippetContext.User(user.id(), user.email(), user.displayName());
        } catch (ContextNotActiveException e) {
            return null;
        }
    }

    /** {@code POSTHOG_SNIPPET_EXCLUDE_PATHS}; an entry with a wildcard is left out with a warning (prefixes only). */
    static List<String> excludedPaths(Settings settings) {
        String value = settings.string(Setting.POSTHOG_SNIPPET_EXCLUDE_PATHS);
        List<String> prefixes = new ArrayList<>();
        for (String prefix : pathPrefixes(value)) {
            if (prefix.contains("*") || prefix.contains("?") || prefix.contains("#")) {
                settings.warnOnce(Setting.POSTHOG_SNIPPET_EXCLUDE_PATHS, value, "the other entries without '" + prefix
                        + "' (path prefixes only: /admin covers /admin/...; no wildcards, queries or fragments)");
            } else {
                prefixes.add(prefix);
            }
        }
        return List.copyOf(prefixes);
    }

    /** {@code " /api/docs, /static/swagger/ ,"} → {@code [/api/docs, /static/swagger]}; blanks dropped, a leading slash added. */
    public static List<String> pathPrefixes(String commaSeparated) {
        List<String> prefixes = new ArrayList<>();
        if (commaSeparated == null) {
            return prefixes;
        }
        for (String part : commaSeparated.split(",")) {
            String prefix = part.trim();
            while (prefix.endsWith("/")) {
                prefix = prefix.substring(0, prefix.length() - 1);
            }
            if (!prefix.isEmpty()) {
                prefixes.add(prefix.startsWith("/") ? prefix : "/" + prefix);
            }
        }
        return prefixes;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        SnippetSource source = snippets;
        if (source == null) {
            chain.doFilter(request, response); // off: not even a wrapper
            return;
        }
        InjectionResponse outer = InjectionResponse.findIn(response);
        if (outer != null && outer.isActive()) {
            chain.doFilter(request, response); // the response already flows through our wrapper
            return;
        }
        if (request.getAttribute(RESPONSE_ATTRIBUTE) instanceof InjectionResponse earlier && earlier.writesTo(response)) {
            // Dispatched again with the unwrapped response (AsyncContext.dispatch() after a startAsync() without
            // arguments, or an error dispatch).
            if (earlier.isActive() && (request.getDispatcherType() != DispatcherType.ERROR || response.isCommitted())) {
                // the body continues through the earlier wrapper, which knows whether the snippet already went in;
                // its listener still ends it when the async context completes
                chain.doFilter(request, earlier);
                return;
            }
            if (earlier.isFinished() && response.isCommitted()) {
                chain.doFilter(request, response); // whatever follows is appended to a page already handled
                return;
            }
            if (earlier.isActive()) {
                earlier.abandon(); // an error page replaces what the failed dispatch left unsent
            }
        }
        InjectionSkip declined = declined(request);
        if (declined != null) {
            if (request.getDispatcherType() == DispatcherType.REQUEST) {
                counters.skipped(declined); // once per request, not again for its error page
            }
            chain.doFilter(request, response);
            return;
        }

        InjectionResponse injection = new InjectionResponse(response, request, source, counters);
        FinishOnAsyncComplete finisher = new FinishOnAsyncComplete(injection::finish, "the snippet injector's body");
        // behind the GZIP filter: its watch, joined, not a second request wrapper that every request would pay for
        AsyncFinishWatch watched = AsyncFinishWatch.join(request, finisher, injection::endBody);
        request.setAttribute(RESPONSE_ATTRIBUTE, injection);
        boolean returned = false;
        try {
            chain.doFilter(watched, injection);
            returned = true;
        } finally {
            if (!returned) {
                injection.abandonAfterFailure();
            }
        }
        if (watched.startedAsync()) {
            return; // the body ends with the async context; isAsyncStarted() could not tell, it is false after dispatch()
        }
        if (request.isAsyncStarted()) {
            // started past our wrapper, on the container's request (a CDI-injected one, say); a complete() from
            // another thread only takes effect once this dispatch returns, so the listener is in time
            request.getAsyncContext().addListener(finisher);
        } else {
            injection.finish();
        }
    }

    /** Known from the request alone: no response of it gets the snippet. */
    private InjectionSkip declined(HttpServletRequest request) {
        if ("HEAD".equalsIgnoreCase(request.getMethod())) {
            return InjectionSkip.HEAD_REQUEST;
        }
        if (!excludedPaths.isEmpty()) {
            String uri = request.getDispatcherType() == DispatcherType.ERROR
                    && request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI) instanceof String original
                    ? original // the page that failed, not the error page's own path
                    : request.getRequestURI();
            String path = uri.substring(Math.min(request.getContextPath().length(), uri.length()));
            for (String prefix : excludedPaths) {
                if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                    return InjectionSkip.EXCLUDED_PATH;
                }
            }
        }
        return null;
    }
}
