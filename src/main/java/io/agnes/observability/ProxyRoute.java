package io.agnes.observability;

import io.agnes.web.Setting;
import io.agnes.web.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The same-origin PostHog proxy's routing, as pure functions: where it listens ({@code POSTHOG_PROXY_PATH}) and the
 * only two places it ever forwards to, PostHog's API host ({@code POSTHOG_HOST}) and the matching assets host.
 *
 * <h2>Configuration</h2>
 * {@code POSTHOG_PROXY_PATH}: empty (the default) = no proxy, the browser talks to PostHog directly. Otherwise a
 * path below Agnes' context path such as {@code /ingest} or {@code /t/e2}: segments of letters, digits and
 * {@code - _ . ~} (a segment never starts with a dot), trailing slashes removed. A value that is not such a path,
 * or whose first segment is one of Agnes' own ({@link #RESERVED}: {@code /api}, {@code /admin}, {@code /static},
 * ...), logs one warning naming it and leaves the proxy off; it never stops Agnes. PostHog advises against obvious
 * names such as {@code /posthog}, which ad blockers list.
 *
 * <h2>Routing</h2>
 * {@code <path>/static/…} and {@code <path>/array/…} (posthog-js's scripts and remote config) go to the assets host,
 * everything else below {@code <path>/} to the API host, with the query string kept (posthog-js puts
 * {@code compression} and {@code ver} there). A sub-path is accepted only in the same strict alphabet as the proxy
 * path: no {@code ..} or {@code .} segment, no empty segment, no percent-encoding (so no encoded slash or dot), no
 * backslash, {@code @}, {@code :} or {@code ;}; the query string only in RFC 3986's query alphabet. Whatever the
 * request, the target is the upstream's origin and path prefix followed by that sub-path: never another host.
 *
 * @param path           where the proxy listens, below the context path, e.g. {@code /ingest} (no trailing slash)
 * @param apiUpstream    {@code POSTHOG_HOST}, without a trailing slash (it may carry a path of its own)
 * @param assetsUpstream where {@code /static/} and {@code /array/} go: {@link #assetsHostOf} the API host
 * @param uiHost         posthog-js {@code ui_host}: PostHog's app, {@link #uiHostOf} the API host
 */
public record ProxyRoute(String path, String apiUpstream, String assetsUpstream, String uiHost) {

    /** First path segments Agnes serves itself (lower case); a proxy there would hide them. */
    static final Set<String> RESERVED = Set.of("api", "admin", "static", "login", "logout", "setup", "help", "catalog",
            "query", "tokens", "error", "debug", "favicon.ico", "web-inf", "meta-inf");

    private static final Pattern PATH = Pattern.compile("(/[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,99}){1,10}");
    private static final Pattern SUB_PATH = Pattern.compile("(/[A-Za-z0-9_~-][A-Za-z0-9._~-]{0,199}){1,20}/?");
    private static final int MAX_QUERY = 8192;

    /**
     * The route for {@code POSTHOG_PROXY_PATH}, or empty when it is not set or not usable (then one warning names
     * the value; the proxy stays off).
     *
     * @param posthogHost the resolved {@code POSTHOG_HOST}, an http(s) URL without a trailing slash
     */
    static Optional<ProxyRoute> from(Settings settings, String posthogHost) {
        String value = settings.string(Setting.POSTHOG_PROXY_PATH);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String problem = problem(value);
        if (problem != null) {
            settings.warnOnce(Setting.POSTHOG_PROXY_PATH, value, "proxy off, the browser talks to PostHog directly (" + problem + ")");
            return Optional.empty();
        }
        return Optional.of(of(trimmed(value), posthogHost));
    }

    /** The route at {@code path} (already valid) to the given API host and its derived assets and UI hosts. */
    static ProxyRoute of(String path, String posthogHost) {
        return new ProxyRoute(path, posthogHost, assetsHostOf(posthogHost), uiHostOf(posthogHost));
    }

    /** Why {@code value} cannot be the proxy path, or {@code null} when it can. */
    static String problem(String value) {
        String path = trimmed(value);
        if (!PATH.matcher(path).matches()) {
            return "expected an absolute path such as /ingest: segments of letters, digits, '-', '_', '.', '~'";
        }
        String first = path.substring(1, (path.indexOf('/', 1) < 0 ? path.length() : path.indexOf('/', 1)))
                .toLowerCase(Locale.ROOT);
        if (RESERVED.contains(first)) {
            return "/" + first + " is one of Agnes' own paths";
        }
        return null;
    }

    private static String trimmed(String value) {
        return value.trim().replaceAll("/+$", "");
    }

    /**
     * PostHog's assets host for an API host, as posthog-js derives it: {@code https://eu.i.posthog.com} →
     * {@code https://eu-assets.i.posthog.com}; any other (self-hosted, or your own reverse proxy) → itself.
     */
    public static String assetsHostOf(String apiHost) {
        URI uri = URI.create(apiHost);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".i.posthog.com") && !host.contains("-assets.") && (uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
            return uri.getScheme() + "://" + host.substring(0, host.length() - ".i.posthog.com".length())
                    + "-assets.i.posthog.com" + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }
        return apiHost;
    }

    /**
     * PostHog's app (posthog-js {@code ui_host}, for the toolbar and links) for an API host:
     * {@code https://eu.i.posthog.com} → {@code https://eu.posthog.com}, {@code https://us.i.posthog.com} →
     * {@code https://us.posthog.com}; any other → itself.
     */
    public static String uiHostOf(String apiHost) {
        URI uri = URI.create(apiHost);
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".i.posthog.com") && !host.contains("-assets.") && (uri.getRawPath() == null || uri.getRawPath().isEmpty())) {
            return uri.getScheme() + "://" + host.substring(0, host.length() - ".i.posthog.com".length()) + ".posthog.com";
        }
        return apiHost;
    }

    /** posthog-js {@code api_host}: the proxy on Agnes' own origin, e.g. {@code /ingest} or {@code /agnes/ingest}. */
    public String browserApiHost(String contextPath) {
        return (contextPath == null ? "" : contextPath) + path;
    }

    /**
     * Where a request goes: its path below the context path (raw, as the request line has it) and its raw query
     * string, or empty when the request is not one the proxy forwards (not below {@code path/}, or not in the
     * safe alphabet; see the class comment).
     */
    public Optional<URI> upstream(String pathBelowContext, String rawQuery) {
        if (pathBelowContext == null || !pathBelowContext.startsWith(path + "/")) {
            return Optional.empty();
        }
        String sub = pathBelowContext.substring(path.length());
        if (!SUB_PATH.matcher(sub).matches() || (rawQuery != null && !isSafeQuery(rawQuery))) {
            return Optional.empty();
        }
        String base = sub.startsWith("/static/") || sub.startsWith("/array/") ? assetsUpstream : apiUpstream;
        try {
            URI target = new URI(base + sub + (rawQuery == null ? "" : "?" + rawQuery));
            URI origin = new URI(base);
            // belt and braces: whatever the alphabet above lets through, the target stays on the upstream
            if (!origin.getScheme().equalsIgnoreCase(target.getScheme()) || !origin.getHost().equalsIgnoreCase(target.getHost())
                    || origin.getPort() != target.getPort() || target.getRawUserInfo() != null
                    || !target.getRawPath().startsWith(origin.getRawPath() + "/")) {
                return Optional.empty();
            }
            return Optional.of(target);
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }

    /** RFC 3986 query characters (unreserved, sub-delims, {@code : @ / ?}) and well-formed percent escapes only. */
    static boolean isSafeQuery(String query) {
        if (query.length() > MAX_QUERY) {
            return false;
        }
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '%') {
                if (i + 2 >= query.length() || Character.digit(query.charAt(i + 1), 16) < 0
                        || Character.digit(query.charAt(i + 2), 16) < 0) {
                    return false;
                }
                i += 2;
            } else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-._~!$&'()*+,;=:@/?".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** For logs and the operator page, e.g. {@code /ingest → https://eu.i.posthog.com (assets: https://eu-assets…)}. */
    public String summary() {
        return path + " → " + apiUpstream + (assetsUpstream.equals(apiUpstream) ? "" : " (assets: " + assetsUpstream + ")");
    }
}
