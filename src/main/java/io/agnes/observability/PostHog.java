package io.agnes.observability;

import io.agnes.web.BuildInfo;
import io.agnes.web.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one facade of the PostHog integration. OFF unless {@code POSTHOG_API_KEY} holds a project key: then no
 * client, no thread, no socket exist and every call returns at once. ON: events are built here and handed to
 * {@link PostHogClient}, whose queue never blocks the caller. Nothing here ever throws into the caller.
 *
 * <p>Feature flags ({@link #isFeatureEnabled}, {@link #variant}, {@link #payload}) answer the caller's default
 * whenever PostHog cannot say within {@code POSTHOG_FLAGS_TIMEOUT}; see {@link FeatureFlags} and
 * {@code docs/observability.md}, "Feature flags".
 */
@ApplicationScoped
public class PostHog {

    private static final Logger LOG = Logger.getLogger(PostHog.class.getName());

    @Inject
    Settings settings;

    private volatile PostHogSettings config;
    private volatile PostHogClient client = PostHogClient.off();
    private volatile FeatureFlags flags = FeatureFlags.off();
    private volatile CommonProperties common;
    private final SeenThrowables seen = new SeenThrowables();
    private final FlagExposures exposures = new FlagExposures(FlagExposures.CAPACITY);
    private final InjectionCounters injectionCounters = new InjectionCounters();
    /** LLM trace ids of exceptions that left an LLM call; weak, so nothing is pinned. */
    private final Map<Throwable, String> llmTraces = Collections.synchronizedMap(new WeakHashMap<>());

    void onStart(@Observes Startup startup) {
        config();
    }

    /** The resolved settings (read once). */
    public PostHogSettings config() {
        PostHogSettings current = config;
        if (current == null) {
            synchronized (this) {
                if (config == null) {
                    start(PostHogSettings.from(settings));
                }
                current = config;
            }
        }
        return current;
    }

    private void start(PostHogSettings resolved) {
        common = new CommonProperties(resolved.environment(), resolved.release().orElse(null), BuildInfo.version());
        if (resolved.enabled()) {
            try {
                client = PostHogClient.start(resolved, PostHog::shrink); // logs the start-up summary
                flags = FeatureFlags.start(resolved);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "The PostHog integration could not start and stays off; Agnes is unaffected", e);
            }
        }
        config = resolved;
    }

    /**
     * The snippet injector's counters, one set for the filter and the operator page. Produced {@code @Dependent}
     * (the same object every time, held here) rather than an application-scoped bean of its own: the filter then
     * counts each page with a plain call instead of through a client proxy's context lookup (~1 µs a page in
     * async-profiler; a proxied method that returns {@code this} hands back the proxy, so it cannot be unwrapped).
     */
    @Produces
    InjectionCounters injectionCounters() {
        return injectionCounters;
    }

    public boolean enabled() {
        return config().enabled() && client.isEnabled();
    }

    /**
     * Whether the feature flag {@code key} is on for {@code distinctId}: PostHog's answer, or {@code defaultValue}
     * when the integration is off, the flag is unknown, or PostHog does not answer within
     * {@code POSTHOG_FLAGS_TIMEOUT}. Never throws, never waits longer than that bound.
     *
     * @param distinctId whom to evaluate the flag for, the same id the events of that user carry (see
     *                   {@link RequestEvents#distinctId()}); blank → {@code defaultValue}
     */
    public boolean isFeatureEnabled(String key, String distinctId, boolean defaultValue) {
        return lookupFlag(key, distinctId).map(FlagResult::enabled).orElse(defaultValue);
    }

    /** The variant of the multivariate flag {@code key} for {@code distinctId}; empty when off, unknown or not a variant. */
    public Optional<String> variant(String key, String distinctId) {
        return lookupFlag(key, distinctId).map(FlagResult::variant);
    }

    /** The payload (JSON text) of the flag {@code key} for {@code distinctId} while it is on; else empty. */
    public Optional<String> payload(String key, String distinctId) {
        return lookupFlag(key, distinctId).map(FlagResult::payload);
    }

    /**
     * The Content-Security-Policy sources the browser snippet needs (PostHog's hosts as the snippet names them);
     * empty when the integration is off, so a policy then allows no PostHog host at all.
     */
    public Optional<PostHogCsp> browserSources() {
        if (!enabled()) {
            return Optional.empty();
        }
        PostHogSettings settings = config();
        // the hosts as the snippet names them: with the same-origin proxy, 'self' and PostHog's app (ui_host)
        return Optional.of(PostHogCsp.sources(settings.browserApiHost(""), null, settings.browserUiHost()));
    }

    /**
     * The flags to bootstrap posthog-js with for {@code distinctId}, as posthog-js's {@code bootstrap.featureFlags}
     * wants them: {@code true}/{@code false}, or the variant's key. Only what is known without asking PostHog
     * (local evaluation, or a recent server-side check for that user); empty when off.
     */
    public Map<String, Object> bootstrapFlags(String distinctId) {
        if (!enabled()) {
            return Map.of();
        }
        Map<String, FlagResult> known = flags.known(distinctId);
        if (known.isEmpty()) {
            return Map.of(); // every page of a deployment without flags: nothing to copy
        }
        Map<String, Object> bootstrap = new LinkedHashMap<>();
        known.forEach((key, value) ->
                bootstrap.put(key, value.variant() != null ? value.variant() : value.enabled()));
        return bootstrap;
    }

    private Optional<FlagResult> lookupFlag(String key, String distinctId) {
        if (!enabled()) {
            return Optional.empty();
        }
        Optional<FlagResult> result = flags.lookup(key, distinctId);
        result.ifPresent(value -> reportExposure(key, distinctId, value));
        return result;
    }

    /**
     * {@code $feature_flag_called}, as PostHog's SDKs send it: PostHog's experiments count a user as exposed to a
     * variant from this event, and the flag's page lists who saw which value. Once per distinct id, flag and value
     * (a bounded memory, as the SDKs keep), so a flag checked on every request does not become an event per request.
     */
    private void reportExposure(String key, String distinctId, FlagResult value) {
        try {
            Object response = value.variant() != null ? value.variant() : value.enabled();
            if (!exposures.firstSighting(distinctId + '\u0000' + key + '\u0000' + response)) {
                return;
            }
            boolean person = !Set.of(EventIdentity.SYSTEM, EventIdentity.ANONYMOUS, EventIdentity.CLI).contains(distinctId);
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("$feature_flag", key);
            properties.put("$feature_flag_response", response);
            properties.put("$feature/" + key, response);
            send("$feature_flag_called", new EventIdentity(distinctId, person, Map.of()), properties);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not report a feature flag exposure to PostHog; the flag's answer is unaffected", e);
        }
    }

    /** Delivery counters for operators. */
    public DeliveryStats counters() {
        return client.counters();
    }

    /**
     * Sends {@code error} as an {@code $exception}, once per throwable (a throwable whose chain was already sent is
     * skipped), with {@code context} properties and the identity's user properties.
     */
    public void captureException(Throwable error, EventIdentity identity, Map<String, Object> context, boolean handled) {
        if (!enabled()) {
            return;
        }
        try {
            if (!seen.firstSighting(error)) {
                return;
            }
            Map<String, Object> properties = new LinkedHashMap<>(context);
            properties.putAll(ExceptionProperties.of(error, handled, ExceptionProperties.Level.ERROR, llmTraceOf(error)));
            send("$exception", identity, properties);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not capture an exception for PostHog; the application is unaffected", e);
        }
    }

    /** Sends one {@code $ai_generation} for an LLM call attempt. */
    public void captureAiGeneration(AiGeneration generation, EventIdentity identity, Map<String, Object> context) {
        if (!enabled()) {
            return;
        }
        try {
            PostHogSettings current = config();
            Map<String, Object> properties = new LinkedHashMap<>(context);
            properties.putAll(AiGenerationProperties.of(generation, current.llmPayloads(), current.llmPayloadMaxChars()));
            send("$ai_generation", identity, properties);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not capture an LLM call for PostHog; the call is unaffected", e);
        }
    }

    /**
     * The operator page's "send a test event": an {@code agnes_test_event} from {@code identity}; returns what was
     * queued (empty when the integration is off).
     */
    public Map<String, Object> captureTestEvent(EventIdentity identity, Map<String, Object> context) {
        if (!enabled()) {
            return Map.of();
        }
        Map<String, Object> properties = common.apply(new LinkedHashMap<>(context), identity);
        properties.put("source", "operator page");
        client.capture("agnes_test_event", identity.distinctId(), properties);
        return properties;
    }

    /** The operator page's "raise a test error": a handled {@code $exception}; returns what was queued. */
    public Map<String, Object> captureTestError(EventIdentity identity, Map<String, Object> context) {
        if (!enabled()) {
            return Map.of();
        }
        IllegalStateException error = new IllegalStateException("Test error raised from the Observability page");
        Map<String, Object> properties = new LinkedHashMap<>(context);
        properties.putAll(ExceptionProperties.of(error, true));
        properties = common.apply(properties, identity);
        client.capture("$exception", identity.distinctId(), properties);
        return properties;
    }

    /** Remembers that {@code error} left an LLM call of {@code traceId}, so its {@code $exception} links to the trace. */
    void rememberLlmTrace(Throwable error, String traceId) {
        if (traceId != null && enabled()) {
            llmTraces.put(error, traceId);
        }
    }

    private String llmTraceOf(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String trace = llmTraces.get(t);
            if (trace != null) {
                return trace;
            }
        }
        return null;
    }

    private void send(String event, EventIdentity identity, Map<String, Object> properties) {
        client.capture(event, identity.distinctId(), common.apply(properties, identity));
    }

    private static Event shrink(Event event) {
        EventShrinker.Result result = EventShrinker.shrink(event.name(), event.properties());
        return result.shrunk() ? event.withProperties(result.properties()) : event;
    }

    /**
     * Delivers what is queued (within {@code POSTHOG_SHUTDOWN_TIMEOUT}) and ends every thread of the integration;
     * later calls do nothing. Called by {@link PostHogShutdown} when the application stops, and as a fallback here.
     */
    @PreDestroy
    public void stop() {
        flags.stop();
        flags = FeatureFlags.off();
        client.stop();
        client = PostHogClient.off();
    }
}
