package io.agnes.observability;

import io.agnes.web.Setting;
import io.agnes.web.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The PostHog configuration, resolved once from the {@code POSTHOG_*} settings (see {@code docs/observability.md}).
 *
 * <h2>Configuration</h2>
 * <ul>
 * <li>{@code POSTHOG_API_KEY}: the project API key ({@code phc_…}); trimmed; empty = the integration is OFF.
 * A personal API key ({@code phx_…}) keeps it OFF with an error (the key is never logged).</li>
 * <li>{@code POSTHOG_HOST}: default {@value #DEFAULT_HOST}; an http(s) URL, trailing slashes removed.</li>
 * <li>{@code POSTHOG_IDENTIFY_PII}: {@code none | id | email | full}, default {@code email}.</li>
 * <li>{@code POSTHOG_REPLAY} (default on), {@code POSTHOG_REPLAY_MASK_SELECTOR}.</li>
 * <li>{@code POSTHOG_LLM_PAYLOADS} (default off), {@code POSTHOG_LLM_PAYLOAD_MAX_CHARS} (30000).</li>
 * <li>{@code environment}: {@code POSTHOG_ENVIRONMENT}, else {@code local} when {@code LOCAL_DEV_MODE}, else
 * {@code RELEASE_CHANNEL}, else {@code AGNES_DEPLOYMENT_ENV}, else {@code unknown}.
 * {@code release}: {@code AGNES_VERSION}, else {@code RELEASE_CHANNEL}, else absent.</li>
 * <li>Delivery: {@code POSTHOG_QUEUE_SIZE} (10000), {@code POSTHOG_BATCH_SIZE} (100), {@code POSTHOG_FLUSH_INTERVAL}
 * (2s), {@code POSTHOG_SHUTDOWN_TIMEOUT} (5s), {@code POSTHOG_REQUEST_TIMEOUT} (10s).</li>
 * <li>Feature flags: {@code POSTHOG_FLAGS_TIMEOUT} (300ms, above zero), {@code POSTHOG_FLAGS_CACHE_TTL} (30s; 0 = no
 * cache), {@code POSTHOG_FLAGS_SECRET_KEY} (empty; a project secret key {@code phs_…} or a legacy personal key
 * {@code phx_…} turns local evaluation on; a project key {@code phc_…} there is refused with a warning). The
 * secret is held as a {@link SecretKey}, which never prints itself.</li>
 * <li>{@code POSTHOG_PROXY_PATH}: empty = no same-origin proxy; e.g. {@code /ingest}, see {@link ProxyRoute}. Only
 * resolved while the integration is on.</li>
 * </ul>
 * An unusable value logs one warning naming it and the default used instead; nothing here ever fails.
 *
 * @param enabled             whether the integration is on
 * @param apiKey              the project API key; empty when off
 * @param host                the PostHog host, without a trailing slash
 * @param release             the release label, absent when none is configured
 * @param flushInterval       the longest an event waits for its batch to fill; zero = send at once
 * @param shutdownTimeout     how long {@code stop()} may take to deliver what is queued; zero = drop it
 * @param flagsTimeout        the longest a feature-flag check waits for PostHog (above zero)
 * @param flagsCacheTtl       how long a distinct id's flag answers from PostHog are reused; zero = not at all
 * @param flagsSecretKey      the key for local flag evaluation; {@link SecretKey#NONE} when not configured
 * @param offReason           why the integration is off ({@code null} when on)
 * @param proxy               the same-origin proxy for the browser; empty when off (always empty while the
 *                            integration is off)
 */
public record PostHogSettings(
        boolean enabled,
        String apiKey,
        String host,
        IdentifyMode identifyMode,
        boolean replay,
        String replayMaskSelector,
        boolean llmPayloads,
        int llmPayloadMaxChars,
        String environment,
        Optional<String> release,
        int queueSize,
        int batchSize,
        Duration flushInterval,
        Duration shutdownTimeout,
        Duration requestTimeout,
        Duration flagsTimeout,
        Duration flagsCacheTtl,
        SecretKey flagsSecretKey,
        String offReason,
        Optional<ProxyRoute> proxy) {

    public static final String DEFAULT_HOST = "https://eu.i.posthog.com";
    private static final Logger LOG = Logger.getLogger(PostHogSettings.class.getName());

    /** Resolves the settings, logging each unusable value once. Never throws. */
    public static PostHogSettings from(Settings settings) {
        String key = settings.string(Setting.POSTHOG_API_KEY);
        String offReason = null;
        if (key.isEmpty()) {
            offReason = "POSTHOG_API_KEY is not set";
        } else if (key.startsWith("phx_")) {
            // never the key itself, not even a part of it: a personal key opens the whole PostHog account
            LOG.severe("POSTHOG_API_KEY holds a PERSONAL API key (it starts with phx_); the PostHog integration "
                    + "stays OFF. Agnes needs the PROJECT API key (it starts with phc_, PostHog: Project settings > "
                    + "Project API key): it can only send events and is safe to embed in web pages, whereas a personal "
                    + "key gives full access to your PostHog account and must never be sent with events or to a browser. "
                    + "Revoke the personal key if it was shared, set POSTHOG_API_KEY to the project key and restart.");
            offReason = "POSTHOG_API_KEY holds a personal API key (phx_), not a project key (phc_)";
            key = "";
        }

        String localOrExplicit = settings.string(Setting.POSTHOG_ENVIRONMENT);
        String environment = !localOrExplicit.isEmpty() ? localOrExplicit
                : settings.flag(Setting.LOCAL_DEV_MODE) ? "local"
                : firstSet(settings.string(Setting.RELEASE_CHANNEL), settings.string(Setting.AGNES_DEPLOYMENT_ENV), "unknown");
        String releaseLabel = firstSet(settings.string(Setting.AGNES_VERSION), settings.string(Setting.RELEASE_CHANNEL), "");

        String host = host(settings);
        return new PostHogSettings(
                offReason == null,
                key,
                host,
                identifyMode(settings),
                // unlike the original, a set-but-empty POSTHOG_REPLAY means the default (on), not off
                !settings.isSet(Setting.POSTHOG_REPLAY) || settings.flag(Setting.POSTHOG_REPLAY),
                settings.string(Setting.POSTHOG_REPLAY_MASK_SELECTOR),
                settings.flag(Setting.POSTHOG_LLM_PAYLOADS),
                settings.positiveInt(Setting.POSTHOG_LLM_PAYLOAD_MAX_CHARS, 1),
                environment,
                releaseLabel.isEmpty() ? Optional.empty() : Optional.of(releaseLabel),
                settings.positiveInt(Setting.POSTHOG_QUEUE_SIZE, 1),
                settings.positiveInt(Setting.POSTHOG_BATCH_SIZE, 1),
                settings.duration(Setting.POSTHOG_FLUSH_INTERVAL),
                settings.duration(Setting.POSTHOG_SHUTDOWN_TIMEOUT),
                positiveDuration(settings, Setting.POSTHOG_REQUEST_TIMEOUT),
                positiveDuration(settings, Setting.POSTHOG_FLAGS_TIMEOUT),
                settings.duration(Setting.POSTHOG_FLAGS_CACHE_TTL),
                flagsSecretKey(settings),
                offReason,
                offReason == null ? ProxyRoute.from(settings, host) : Optional.empty());
    }

    /** The one line logged at start when the integration is on (no key in it). */
    public String summary() {
        return "PostHog on: host=" + host
                + ", environment=" + environment
                + ", release=" + release.orElse("(none)")
                + ", identify=" + identifyMode.configValue()
                + ", replay=" + (replay ? "on" : "off")
                + ", llm payloads=" + (llmPayloads ? "on (max " + llmPayloadMaxChars + " chars)" : "off")
                + ", queue=" + queueSize + ", batch=" + batchSize
                + ", flags=" + (flagsSecretKey.isPresent() ? "local, else remote" : "remote")
                + " (timeout " + flagsTimeout.toMillis() + " ms, cache " + flagsCacheTtl.toSeconds() + " s)"
                + ", proxy=" + proxy.map(ProxyRoute::summary).orElse("off");
    }

    /** Never prints the key: logs and error messages may show a settings object. */
    @Override
    public String toString() {
        return "PostHogSettings[" + (enabled ? summary() : "off: " + offReason) + "]";
    }

    /**
     * posthog-js {@code api_host} for a page served below {@code contextPath}: the same-origin proxy when it is on
     * (e.g. {@code /ingest}), else {@code POSTHOG_HOST}.
     */
    public String browserApiHost(String contextPath) {
        return proxy.map(route -> route.browserApiHost(contextPath)).orElse(host);
    }

    /** posthog-js {@code ui_host}: PostHog's app when the proxy is on (the toolbar and links need it), else {@code null}. */
    public String browserUiHost() {
        return proxy.map(ProxyRoute::uiHost).orElse(null);
    }

    private static String firstSet(String first, String second, String otherwise) {
        return !first.isEmpty() ? first : !second.isEmpty() ? second : otherwise;
    }

    private static String host(Settings settings) {
        String value = settings.string(Setting.POSTHOG_HOST);
        String trimmed = value.replaceAll("/+$", "");
        try {
            URI uri = new URI(trimmed);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return trimmed;
            }
        } catch (URISyntaxException e) {
            // falls through to the warning
        }
        settings.warnOnce(Setting.POSTHOG_HOST, value, DEFAULT_HOST + " (expected an http or https URL such as "
                + DEFAULT_HOST + " or https://us.i.posthog.com)");
        return DEFAULT_HOST;
    }

    private static IdentifyMode identifyMode(Settings settings) {
        String value = settings.string(Setting.POSTHOG_IDENTIFY_PII);
        Optional<IdentifyMode> mode = IdentifyMode.parse(value.toLowerCase(Locale.ROOT));
        if (mode.isEmpty()) {
            settings.warnOnce(Setting.POSTHOG_IDENTIFY_PII, value, "email (expected one of none, id, email, full)");
            return IdentifyMode.EMAIL;
        }
        return mode.get();
    }

    private static SecretKey flagsSecretKey(Settings settings) {
        String value = settings.string(Setting.POSTHOG_FLAGS_SECRET_KEY);
        if (value.startsWith("phc_")) {
            // not warnOnce: that names the value, and nothing typed into this setting is ever logged
            LOG.warning("POSTHOG_FLAGS_SECRET_KEY holds a project API key (it starts with phc_), not a secret key; "
                    + "feature flags are evaluated by PostHog instead of locally. For local evaluation set it to the "
                    + "project's secret API key (phs_..., PostHog: project settings) or leave it empty.");
            return SecretKey.NONE;
        }
        return SecretKey.of(value);
    }

    private static Duration positiveDuration(Settings settings, Setting setting) {
        Duration value = settings.duration(setting);
        if (value.isZero()) {
            settings.warnOnce(setting, settings.string(setting), setting.defaultValue() + " (expected a duration above zero)");
            return new Settings(key -> Optional.empty()).duration(setting); // the default, parsed
        }
        return value;
    }
}
