package io.agnes.observability;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Content-Security-Policy sources the PostHog snippet needs, for when Agnes sends a CSP: exactly PostHog's
 * hosts, nothing broader. The inline snippet itself is allowed by the response's nonce ({@link SnippetContext#nonce}),
 * which the caller adds to {@code script-src}.
 *
 * <ul>
 * <li>{@code script-src}: the assets origin ({@code array.js} through the stub, the remote config script
 * {@code /array/<key>/config.js}, and {@code /static/toolbar.js}), and {@code asset_host} when set (every
 * {@code /static/} script: replay recorder, exception autocapture, tracing headers).</li>
 * <li>{@code connect-src}: the API origin (events {@code /e/}, replays {@code /s/}, flags {@code /flags/}), the
 * assets origin (remote config as JSON), and PostHog's app (the toolbar's API calls).</li>
 * <li>{@code style-src}, {@code img-src}, {@code font-src} ({@link #appSrc}): PostHog's app, for the toolbar, which
 * renders only once its stylesheet {@code <ui host>/static/toolbar.css} has loaded, and which that stylesheet and
 * the toolbar's own elements fill with images and fonts from there.</li>
 * </ul>
 * The assets origin is the API origin with {@code .i.posthog.com} turned into {@code -assets.i.posthog.com}, as
 * posthog-js does; for any other (custom or proxied) API host it is the API host itself. A path-only API host
 * (a same-origin proxy such as {@code /ingest}) is {@code 'self'}. PostHog's app is posthog-js's {@code ui_host}
 * when the snippet sets one (the proxy does), else what posthog-js derives from the API host:
 * {@code .i.posthog.com} → {@code .posthog.com} ({@code https://eu.posthog.com}), any other host itself. Told
 * {@code https://app.posthog.com} (PostHog's old address), posthog-js sends to {@code https://us.i.posthog.com} and
 * loads from {@code https://us-assets.i.posthog.com}, while the snippet's stub still loads {@code array.js} from
 * the address as given: all of them are listed.
 *
 * @param scriptSrc  sources for {@code script-src}, in a stable order, without duplicates
 * @param connectSrc sources for {@code connect-src}, in a stable order, without duplicates
 * @param appSrc     sources for {@code style-src}, {@code img-src} and {@code font-src}: PostHog's app, or none
 */
public record PostHogCsp(List<String> scriptSrc, List<String> connectSrc, List<String> appSrc) {

    /** posthog-js's {@code api_host} for PostHog's old address, and what it sends to instead. */
    private static final String LEGACY_APP = "https://app.posthog.com";
    private static final String LEGACY_APP_API = "https://us.i.posthog.com";

    public PostHogCsp {
        scriptSrc = List.copyOf(scriptSrc);
        connectSrc = List.copyOf(connectSrc);
        appSrc = List.copyOf(appSrc);
    }

    /**
     * The sources for the given posthog-js hosts.
     *
     * @param apiHost   {@code api_host} (an http(s) URL, or a path on Agnes' own origin)
     * @param assetHost {@code asset_host}, or {@code null}
     * @param uiHost    {@code ui_host}, or {@code null} (then PostHog's app is derived from {@code apiHost})
     * @throws IllegalArgumentException when a host is neither an http(s) URL nor (the API host) a path
     */
    public static PostHogCsp sources(String apiHost, String assetHost, String uiHost) {
        String configured = origin("apiHost", apiHost, true);
        String api = configured.equals(LEGACY_APP) ? LEGACY_APP_API : configured;
        String assets = api.equals("'self'") ? api : assetsOrigin(api);
        Set<String> script = new LinkedHashSet<>();
        // the snippet's stub loads array.js from the API host as configured, posthog-js everything else from its own
        script.add(configured.equals("'self'") ? configured : assetsOrigin(configured));
        script.add(assets);
        if (assetHost != null && !assetHost.isBlank()) {
            script.add(origin("assetHost", assetHost, false));
        }
        Set<String> connect = new LinkedHashSet<>();
        connect.add(api);
        connect.add(assets);
        String app = appOrigin(api, uiHost);
        if (app != null) {
            connect.add(app);
        }
        return new PostHogCsp(List.copyOf(script), List.copyOf(connect), app == null ? List.of() : List.of(app));
    }

    /** PostHog's app as posthog-js finds it ({@code ui_host}, else derived); {@code null} for a proxy without one. */
    private static String appOrigin(String apiOrigin, String uiHost) {
        if (uiHost != null && !uiHost.isBlank()) {
            String ui = origin("uiHost", uiHost, false);
            return ui.equals(LEGACY_APP) ? "https://us.posthog.com" : ui;
        }
        return apiOrigin.equals("'self'") ? null : ProxyRoute.uiHostOf(apiOrigin);
    }

    /** For a settings-only setup: {@code POSTHOG_HOST} as the API host, no asset or UI host. */
    public static PostHogCsp sources(PostHogSettings settings) {
        return sources(settings.host(), null, null);
    }

    private static String assetsOrigin(String apiOrigin) {
        return apiOrigin.endsWith(".i.posthog.com") && !apiOrigin.contains("-assets.")
                ? apiOrigin.substring(0, apiOrigin.length() - ".i.posthog.com".length()) + "-assets.i.posthog.com"
                : apiOrigin;
    }

    /** {@code scheme://host[:port]} in lower case, as CSP host sources are written; a path is {@code 'self'}. */
    private static String origin(String name, String value, boolean pathAllowed) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required");
        }
        String trimmed = value.trim();
        if (pathAllowed && trimmed.startsWith("/") && !trimmed.startsWith("//")) {
            return "'self'";
        }
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            }
        } catch (URISyntaxException e) {
            // falls through
        }
        throw new IllegalArgumentException(name + " '" + value + "' is not an http(s) URL"
                + (pathAllowed ? " or a path on Agnes' own origin" : ""));
    }
}
