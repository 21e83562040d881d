package io.agnes.observability;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Everything {@link SnippetRenderer} needs to render the PostHog browser snippet of ONE response, as plain values,
 * so rendering is a pure function that tests can call without a request or a container.
 *
 * <p>The compact constructor normalises and checks: hosts lose trailing slashes; an absent mask selector, release
 * or flag map becomes empty; a flag whose value is {@code null} is left out (not known = not bootstrapped); an
 * unusable {@code tracingHost} becomes {@code null} (tracing headers are then left out rather than failing the page).
 * A value that would make a wrong or unsafe snippet fails with {@link IllegalArgumentException} naming it: a personal
 * API key ({@code phx_…}, which must never reach a browser), a host that is not an http(s) URL, a flag value that is
 * neither boolean nor string, a nonce outside the CSP base64 alphabet, a {@code defaults} that is not a date.
 *
 * @param projectKey        the PostHog project API key ({@code phc_…}); public by design
 * @param apiHost           posthog-js {@code api_host}: PostHog's ingestion host, or the same-origin proxy (an
 *                          absolute http(s) URL, or a path such as {@code /ingest} on Agnes' own origin)
 * @param uiHost            posthog-js {@code ui_host} (PostHog's app URL when {@code apiHost} is a proxy), or {@code null}
 * @param assetHost         posthog-js {@code asset_host} (where {@code /static/*} scripts come from), or {@code null}
 *                          for PostHog's default (the {@code -assets} host, or {@code apiHost} itself when it is custom)
 * @param environment       the {@code environment} super-property (never null)
 * @param release           the {@code release} super-property, or {@code null} to leave it out
 * @param identifyMode      {@code POSTHOG_IDENTIFY_PII}
 * @param user              the signed-in user, or {@code null} for an anonymous visitor
 * @param replay            whether session replay is on
 * @param extraMaskSelector the operator's extra CSS selector for replay text masking, may be empty
 * @param tracingHost       Agnes' own host name as the browser sees it (for {@code tracing_headers}), or {@code null}
 * @param bootstrapFlags    server-evaluated feature flags: key to {@link Boolean} or variant {@link String}; may be empty
 * @param nonce             the response's CSP nonce, or {@code null}
 * @param defaults          posthog-js {@code defaults} date; {@link SnippetRenderer#DEFAULTS} unless a test says otherwise
 */
public record SnippetContext(
        String projectKey,
        String apiHost,
        String uiHost,
        String assetHost,
        String environment,
        String release,
        IdentifyMode identifyMode,
        User user,
        boolean replay,
        String extraMaskSelector,
        String tracingHost,
        Map<String, Object> bootstrapFlags,
        String nonce,
        String defaults) {

    private static final Pattern DEFAULTS_DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}|unset");
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,252}[a-z0-9])?|\\[[0-9a-f:.]{2,45}]");

    /**
     * The signed-in user, as the server knows them.
     *
     * @param id    the user's id (the distinct id, as on backend events)
     * @param email the e-mail address, may be {@code null}
     * @param name  the display name, may be {@code null}
     */
    public record User(String id, String email, String name) {

        // Written out: the record's generated equals and hashCode run through a method-handle chain that the JIT
        // did not inline at the renderer's ConcurrentHashMap lookup (a call site shared by every key type):
        // ~3 µs per page in async-profiler, for three string comparisons.

        @Override
        public boolean equals(Object other) {
            return other instanceof User user && Objects.equals(id, user.id) && Objects.equals(email, user.email)
                    && Objects.equals(name, user.name);
        }

        @Override
        public int hashCode() {
            return (Objects.hashCode(id) * 31 + Objects.hashCode(email)) * 31 + Objects.hashCode(name);
        }
    }

    public SnippetContext {
        Objects.requireNonNull(projectKey, "projectKey");
        projectKey = projectKey.trim();
        if (projectKey.isEmpty()) {
            throw new IllegalArgumentException("projectKey is empty: without a PostHog project key nothing is rendered");
        }
        if (projectKey.startsWith("phx_")) {
            // never part of the key in the message: it is a secret that opens the whole PostHog account
            throw new IllegalArgumentException("projectKey is a PERSONAL API key (phx_...); only a project key (phc_...) "
                    + "may be embedded in a web page");
        }
        apiHost = host("apiHost", apiHost, true);
        if (apiHost == null) {
            throw new IllegalArgumentException("apiHost is required");
        }
        uiHost = host("uiHost", uiHost, false);
        assetHost = host("assetHost", assetHost, false);
        Objects.requireNonNull(environment, "environment");
        release = release == null || release.isBlank() ? null : release;
        Objects.requireNonNull(identifyMode, "identifyMode");
        extraMaskSelector = extraMaskSelector == null ? "" : extraMaskSelector.trim();
        tracingHost = hostName(tracingHost);
        bootstrapFlags = flags(bootstrapFlags);
        nonce = nonce(nonce);
        Objects.requireNonNull(defaults, "defaults");
        if (!DEFAULTS_DATE.matcher(defaults).matches()) {
            throw new IllegalArgumentException("defaults '" + defaults + "' is not a posthog-js defaults date (yyyy-mm-dd)");
        }
    }

    /**
     * The context for a response from the resolved configuration, with PostHog's hosts as configured
     * ({@code api_host} = {@code POSTHOG_HOST}, no {@code ui_host}, no {@code asset_host}) and the pinned
     * {@link SnippetRenderer#DEFAULTS}; see {@link #withHosts} for a proxy.
     *
     * @param user        the signed-in user, {@code null} when anonymous
     * @param tracingHost the host name of the request as the browser sent it ({@code request.getServerName()})
     * @param flags       server-evaluated flags for this user, may be empty
     * @param nonce       the response's CSP nonce, may be {@code null}
     */
    public static SnippetContext of(PostHogSettings settings, User user, String tracingHost, Map<String, Object> flags,
            String nonce) {
        return new SnippetContext(settings.apiKey(), settings.host(), null, null, settings.environment(),
                settings.release().orElse(null), settings.identifyMode(), user, settings.replay(),
                settings.replayMaskSelector(), tracingHost, flags, nonce, SnippetRenderer.DEFAULTS);
    }

    /** The same context with other PostHog hosts, e.g. a same-origin proxy with PostHog's real UI host. */
    public SnippetContext withHosts(String apiHost, String uiHost, String assetHost) {
        return new SnippetContext(projectKey, apiHost, uiHost, assetHost, environment, release, identifyMode, user,
                replay, extraMaskSelector, tracingHost, bootstrapFlags, nonce, defaults);
    }

    private static String host(String name, String value, boolean pathAllowed) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim().replaceAll("/+$", "");
        if (pathAllowed && trimmed.startsWith("/") && !trimmed.startsWith("//") && trimmed.length() > 1
                && trimmed.chars().noneMatch(c -> c <= ' ' || c == '?' || c == '#' || c == '\\')) {
            return trimmed;
        }
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawQuery() == null
                    && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
                return trimmed;
            }
        } catch (URISyntaxException e) {
            // falls through
        }
        throw new IllegalArgumentException(name + " '" + value + "' is not an http(s) URL"
                + (pathAllowed ? " or an absolute path" : ""));
    }

    /**
     * The nonce, {@code null} when blank; fails when it is not a CSP {@code nonce-source} of at most 256 base64 or
     * base64url characters (anything else could leave its attribute).
     */
    static String nonce(String nonce) {
        if (nonce == null || nonce.isBlank()) {
            return null;
        }
        if (nonce.length() > 256 || !SnippetNonce.base64(nonce, 0, nonce.length())) {
            throw new IllegalArgumentException("nonce is not a CSP nonce (expected base64 characters only)");
        }
        return nonce;
    }

    /**
     * posthog-js compares {@code tracing_headers} entries with {@code new URL(request).hostname}: lower case, no
     * port. A value that cannot be a host name (say a forged {@code Host} header) is dropped, not an error.
     */
    static String hostName(String value) {
        if (value == null) {
            return null;
        }
        String host = value.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            host = end < 0 ? host : host.substring(0, end + 1);
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':'));
        }
        return HOST_NAME.matcher(host).matches() ? host : null;
    }

    /** A copy without the {@code null} values; fails on a value that is neither boolean nor string. */
    static Map<String, Object> flags(Map<String, Object> flags) {
        if (flags == null || flags.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, Object> flag : flags.entrySet()) {
            Object value = flag.getValue();
            if (flag.getKey() == null || value == null) {
                continue;
            }
            if (!(value instanceof Boolean) && !(value instanceof String)) {
                throw new IllegalArgumentException("bootstrap flag '" + flag.getKey() + "' has a "
                        + value.getClass().getSimpleName() + " value; expected a boolean or a variant string");
            }
            copy.put(flag.getKey(), value);
        }
        return Collections.unmodifiableMap(copy);
    }
}
