package io.agnes.observability;

import io.agnes.web.BuildInfo;
import jakarta.json.JsonReaderFactory;
import jakarta.json.spi.JsonProvider;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Server-side feature flags: what {@link PostHog#isFeatureEnabled}, {@link PostHog#variant} and
 * {@link PostHog#payload} ask. Made and stopped by the facade, like {@link PostHogClient}.
 *
 * <p>A lookup is answered, in this order, by: the local definitions (when {@code POSTHOG_FLAGS_SECRET_KEY} is set
 * and the flag is one {@link FlagDefinitions} can decide); the cache of PostHog's answers for the distinct id
 * ({@code POSTHOG_FLAGS_CACHE_TTL}); PostHog's {@code /flags} endpoint, waited for at most
 * {@code POSTHOG_FLAGS_TIMEOUT}. Every failure — off, stopped, a blank id, a timeout, an HTTP error, a malformed
 * answer, an unknown flag — is an empty answer, and the caller uses its default. Nothing here throws.
 *
 * <p>Guarantees: a lookup never holds its thread longer than {@code POSTHOG_FLAGS_TIMEOUT} (plus the scheduling
 * of a wake-up). The request itself may run on, up to {@code POSTHOG_REQUEST_TIMEOUT}: a late answer is cached
 * for the next lookup, and no caller waits for an overdue request twice. Lookups for one distinct id share one
 * request; at most {@value #MAX_IN_FLIGHT} requests are out at once (beyond that, uncached lookups answer empty at
 * once); after a failed request PostHog is left alone for the error time ({@value #ERROR_TTL_SECONDS} s: every
 * uncached lookup answers empty at once); failures are logged at most once a minute, on the HTTP client's threads,
 * never on the caller's. The cache holds the answers for at most {@value #MAX_CACHED_IDS} distinct ids (the least
 * recently used go first).
 *
 * <p>Threads: none when off. On: the HTTP client's selector thread and at most two worker threads, plus the
 * poller thread when a secret key is set; {@link #stop()} ends them all.
 */
final class FeatureFlags {

    static final int MAX_CACHED_IDS = 10_000;
    static final int ERROR_TTL_SECONDS = 10;
    /** Most requests to PostHog at once: a PostHog that hangs holds this many, not one per user. */
    static final int MAX_IN_FLIGHT = 8;
    static final String HTTP_THREAD_PREFIX = "agnes-posthog-flags-http-";
    private static final Logger LOG = Logger.getLogger(FeatureFlags.class.getName());
    private static final Duration STOP_PATIENCE = Duration.ofSeconds(2);

    /** Times that tests shrink. */
    record Tuning(Duration errorTtl, Duration pollInterval, Duration failureLogInterval) {
        static final Tuning DEFAULT = new Tuning(Duration.ofSeconds(ERROR_TTL_SECONDS), Duration.ofSeconds(30),
                Duration.ofMinutes(1));
    }

    /**
     * A distinct id's cached answer, or the request that will bring it; {@code overdue} once a caller gave up
     * waiting for that request, so later callers do not wait for it again.
     */
    private record Cached(RemoteFlags.Answer answer, long expiresAt, CompletableFuture<RemoteFlags.Answer> inFlight,
            boolean overdue) {
    }

    private final boolean on;
    private final long timeoutNanos;
    private final long cacheTtlNanos;
    private final long errorTtlNanos;
    private final LongSupplier clock;
    private final RemoteFlags remote;
    private final FlagFailures remoteFailures;
    private final FlagDefinitionsPoller poller;
    private final HttpClient http;
    private final ExecutorService executor;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile FlagDefinitions definitions = FlagDefinitions.NONE;
    /** Guarded by itself. Access order: the least recently used id is evicted first. */
    private final Map<String, Cached> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
            return size() > MAX_CACHED_IDS;
        }
    };
    /**
     * Set (under the lock) once PostHog's first answer is cached: until then {@link #known} has nothing to find and
     * takes neither the lock nor the time, on every page of a deployment that never asked for a flag.
     */
    private volatile boolean anyAnswerCached;
    /** Guarded by {@link #cache}: until when PostHog is not asked, after a failure. */
    private long quietUntil;
    private boolean hasFailed;
    /** Guarded by {@link #cache}. */
    private int inFlight;

    private FeatureFlags() {
        on = false;
        timeoutNanos = cacheTtlNanos = errorTtlNanos = 0;
        clock = System::nanoTime;
        remote = null;
        remoteFailures = null;
        poller = null;
        http = null;
        executor = null;
    }

    private FeatureFlags(PostHogSettings settings, Tuning tuning, LongSupplier clock) {
        this.on = true;
        this.timeoutNanos = settings.flagsTimeout().toNanos();
        this.cacheTtlNanos = settings.flagsCacheTtl().toNanos();
        this.errorTtlNanos = tuning.errorTtl().toNanos();
        this.clock = clock;
        // the JSON-P provider is looked up once, here on the deploying thread (and before any thread exists, so a
        // missing provider leaves nothing behind): a ServiceLoader lookup through the context class loader of an
        // HTTP worker or the poller thread is what breaks across redeploys
        JsonReaderFactory json = JsonProvider.provider().createReaderFactory(Map.of());
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, HTTP_THREAD_PREFIX + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(ProxySelector.getDefault())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        String userAgent = "agnes-java/" + BuildInfo.version();
        // the request may outlive the caller's wait (POSTHOG_FLAGS_TIMEOUT): a slow answer, e.g. the first one over a
        // new TLS connection, still fills the cache for the next check instead of counting as a failure
        this.remote = new RemoteFlags(http, json, settings.host(), settings.apiKey(), userAgent, settings.requestTimeout());
        this.remoteFailures = new FlagFailures("PostHog feature flags", tuning.failureLogInterval(), clock);
        if (settings.flagsSecretKey().isPresent()) {
            this.poller = new FlagDefinitionsPoller(http, json, settings.host(), settings.apiKey(),
                    settings.flagsSecretKey(), userAgent, settings.requestTimeout(), tuning.pollInterval(),
                    loaded -> definitions = loaded,
                    new FlagFailures("PostHog feature flag definitions (local evaluation)", tuning.failureLogInterval(), clock));
        } else {
            this.poller = null;
        }
    }

    /** Flags that always answer empty: the integration is off. */
    static FeatureFlags off() {
        return new FeatureFlags();
    }

    /** Flags for these settings ({@link #off()} when they are off). Never throws. */
    static FeatureFlags start(PostHogSettings settings) {
        return start(settings, Tuning.DEFAULT, System::nanoTime);
    }

    static FeatureFlags start(PostHogSettings settings, Tuning tuning, LongSupplier clock) {
        if (!settings.enabled()) {
            return off();
        }
        FeatureFlags flags = null;
        try {
            flags = new FeatureFlags(settings, tuning, clock);
            if (flags.poller != null) {
                flags.poller.start();
            }
            return flags;
        } catch (RuntimeException e) {
            if (flags != null) {
                flags.stop();
            }
            LOG.log(Level.SEVERE, "PostHog feature flags could not start; every flag answers its default", e);
            return off();
        }
    }

    /**
     * The flag's value for the distinct id; empty when it cannot be known within the time bound (off, unknown
     * flag, PostHog failing or slow). Never throws.
     */
    Optional<FlagResult> lookup(String key, String distinctId) {
        if (!on || stopped.get() || key == null || key.isBlank() || distinctId == null || distinctId.isBlank()) {
            return Optional.empty();
        }
        try {
            FlagDefinitions.Decision local = definitions.evaluate(key, distinctId);
            if (local.decided()) {
                return Optional.ofNullable(local.value());
            }
            return remoteLookup(key, distinctId);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "PostHog feature flag lookup failed; the default is used", e);
            return Optional.empty();
        }
    }

    /**
     * Every flag whose value for {@code distinctId} is known right now without asking PostHog: the fresh cached
     * answer for that id, overlaid with what the local definitions decide (as {@link #lookup} prefers them). For the
     * browser snippet's {@code bootstrap}: a page must never wait for PostHog, and asking PostHog per page view
     * would double the flag requests posthog-js already makes (and PostHog bills). Never throws; empty when off.
     */
    Map<String, FlagResult> known(String distinctId) {
        if (!on || stopped.get() || distinctId == null || distinctId.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, FlagResult> cached = Map.of();
            if (anyAnswerCached) {
                long now = clock.getAsLong();
                synchronized (cache) {
                    Cached entry = cache.get(distinctId);
                    if (entry != null && entry.answer() != null && now - entry.expiresAt() < 0) {
                        cached = entry.answer().flags(); // immutable
                    }
                }
            }
            FlagDefinitions local = definitions;
            if (local.keys().isEmpty()) {
                return cached; // no local evaluation (the usual set-up): nothing to overlay, so no copy per page
            }
            Map<String, FlagResult> known = new LinkedHashMap<>(cached);
            for (String key : local.keys()) {
                FlagDefinitions.Decision decision = local.evaluate(key, distinctId);
                if (decision.decided()) {
                    known.remove(key);
                    if (decision.value() != null) {
                        known.put(key, decision.value());
                    }
                }
            }
            return known;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "PostHog feature flags: the known flags could not be listed; none are bootstrapped", e);
            return Map.of();
        }
    }

    private Optional<FlagResult> remoteLookup(String key, String distinctId) {
        long start = clock.getAsLong();
        CompletableFuture<RemoteFlags.Answer> pending;
        boolean mine = false;
        synchronized (cache) {
            Cached entry = cache.get(distinctId);
            if (entry != null && entry.answer() != null && start - entry.expiresAt() < 0) {
                return entry.answer().flag(key);
            }
            if (entry != null && entry.inFlight() != null) {
                if (entry.overdue()) {
                    return Optional.empty(); // someone already waited the whole bound for this request
                }
                pending = entry.inFlight();
            } else if (hasFailed && start - quietUntil < 0) {
                return Optional.empty(); // PostHog failed a moment ago: leave it alone, answer the default at once
            } else if (inFlight >= MAX_IN_FLIGHT) {
                return Optional.empty(); // PostHog is slow for many users at once: do not pile up requests
            } else {
                pending = new CompletableFuture<>();
                cache.put(distinctId, new Cached(null, 0, pending, false));
                inFlight++;
                mine = true;
            }
        }
        if (mine) {
            CompletableFuture<RemoteFlags.Answer> request = pending;
            remote.fetch(distinctId).whenComplete((answer, error) -> {
                try {
                    settle(distinctId, request, answer, error);
                } finally {
                    // always, or this id would wait for a request that never ends
                    if (error != null) {
                        request.completeExceptionally(error);
                    } else {
                        request.complete(answer);
                    }
                }
            });
        }
        try {
            long left = timeoutNanos - (clock.getAsLong() - start);
            return pending.get(Math.max(0, left), TimeUnit.NANOSECONDS).flag(key);
        } catch (TimeoutException e) {
            synchronized (cache) {
                Cached entry = cache.get(distinctId);
                if (entry != null && entry.inFlight() == pending) {
                    cache.put(distinctId, new Cached(null, 0, pending, true));
                }
            }
            return Optional.empty();
        } catch (ExecutionException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Stores a request's outcome before its waiters wake, so their next lookup finds it. */
    private void settle(String distinctId, CompletableFuture<RemoteFlags.Answer> request, RemoteFlags.Answer answer,
            Throwable error) {
        long now = clock.getAsLong();
        synchronized (cache) {
            inFlight--;
            Cached entry = cache.get(distinctId);
            boolean current = entry != null && entry.inFlight() == request;
            if (error != null) {
                hasFailed = true;
                quietUntil = now + errorTtlNanos;
                if (current) {
                    cache.remove(distinctId);
                }
            } else if (current || entry == null) {
                // an answer PostHog computed with errors may lack flags: reuse it only as long as an error
                long ttl = answer.errorsWhileComputing() ? Math.min(errorTtlNanos, cacheTtlNanos) : cacheTtlNanos;
                if (ttl > 0) {
                    cache.put(distinctId, new Cached(answer, now + ttl, null, false));
                    anyAnswerCached = true;
                } else {
                    cache.remove(distinctId);
                }
            }
        }
        if (stopped.get()) {
            return; // requests cut short by stop() are not PostHog's failures
        }
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            remoteFailures.failed(cause instanceof RemoteFlags.Unavailable ? cause.getMessage() : String.valueOf(cause),
                    "flags answer their defaults, and PostHog is asked again in " + readable(errorTtlNanos));
        } else {
            remoteFailures.succeeded();
        }
    }

    private static String readable(long nanos) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanos);
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    /** Whether local definitions are loaded (for tests and the start-up log). */
    boolean hasLocalDefinitions() {
        return definitions.size() > 0;
    }

    /** Ends the poller and the HTTP client's threads; lookups answer empty from now on. Idempotent. */
    void stop() {
        if (!on || !stopped.compareAndSet(false, true)) {
            return;
        }
        if (poller != null) {
            poller.stop(STOP_PATIENCE);
        }
        boolean interrupted = Thread.interrupted();
        http.shutdownNow();
        try {
            http.awaitTermination(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            interrupted = true;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        definitions = FlagDefinitions.NONE;
        synchronized (cache) {
            cache.clear();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
