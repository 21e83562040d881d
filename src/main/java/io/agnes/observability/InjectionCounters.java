package io.agnes.observability;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The snippet injector's counters (injected, skipped by reason, failed), shared by every request, and the
 * rate-limited log of render failures.
 *
 * <p>Cheap and allocation-free on the request thread. A renderer that fails on every page must not flood the
 * log: the first failure is logged at once with its stack trace, later ones at most once per interval, each line
 * saying how many failed since the previous one. One instance per application, held and produced by
 * {@link PostHog#injectionCounters()} for the filter and the operator page (which reads {@link #snapshot()}).
 */
public final class InjectionCounters {

    static final Duration DEFAULT_LOG_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(SnippetInjectionFilter.class.getName());
    private static final InjectionSkip[] REASONS = InjectionSkip.values();

    private final AtomicLong injected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLongArray skipped = new AtomicLongArray(REASONS.length);

    private final RateLimitedWarning failureLog;

    public InjectionCounters() {
        this(DEFAULT_LOG_INTERVAL, System::nanoTime);
    }

    InjectionCounters(Duration logInterval, LongSupplier nanoClock) {
        this.failureLog = new RateLimitedWarning(LOG, logInterval, nanoClock);
    }

    public void injected() {
        injected.incrementAndGet();
    }

    public void skipped(InjectionSkip reason) {
        skipped.incrementAndGet(reason.ordinal());
    }

    public void failed() {
        failed.incrementAndGet();
    }

    /**
     * Logs a render failure unless one was logged less than the interval ago (then it is only counted toward the
     * next line). {@code what} names the page without its query string, which may carry tokens.
     */
    void logRenderFailure(String what, Throwable error) {
        failureLog.occurred(count -> "The PostHog snippet could not be rendered for " + what
                + "; the page was served without it" + (count > 1 ? " (" + count + " pages since the previous report)" : ""),
                error);
    }

    public InjectionStats snapshot() {
        Map<InjectionSkip, Long> byReason = new EnumMap<>(InjectionSkip.class);
        for (InjectionSkip reason : REASONS) {
            byReason.put(reason, skipped.get(reason.ordinal()));
        }
        return new InjectionStats(injected.get(), byReason, failed.get());
    }
}
