package io.agnes.observability;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The same-origin proxy's counters (requests forwarded, refused, failed upstream; bytes each way) and the
 * rate-limited log of upstream failures: a PostHog outage must not flood Agnes' log, so the first failure is logged
 * at once and later ones at most once per interval, each line saying how many failed since the previous one.
 */
@jakarta.enterprise.context.ApplicationScoped // one set of counts for the proxy and the operator page
public class ProxyCounters {

    static final Duration DEFAULT_LOG_INTERVAL = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(PostHogProxy.class.getName());

    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong upstreamFailures = new AtomicLong();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();

    private final long logIntervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong unlogged = new AtomicLong();
    /** When the next failure may be logged; {@code Long.MIN_VALUE} = at once (nothing logged yet). */
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);

    public ProxyCounters() {
        this(DEFAULT_LOG_INTERVAL, System::nanoTime);
    }

    ProxyCounters(Duration logInterval, LongSupplier nanoClock) {
        this.logIntervalNanos = logInterval.toNanos();
        this.nanoClock = nanoClock;
    }

    void forwarded() {
        forwarded.incrementAndGet();
    }

    void refused() {
        refused.incrementAndGet();
    }

    void bytesUp(long n) {
        bytesUp.addAndGet(n);
    }

    void bytesDown(long n) {
        bytesDown.addAndGet(n);
    }

    /**
     * Counts a request PostHog did not answer (in full), logging it unless one was logged less than the interval
     * ago. {@code target} is the upstream URL WITHOUT its query string.
     */
    void upstreamFailed(String target, String what, Throwable error) {
        upstreamFailures.incrementAndGet();
        unlogged.incrementAndGet();
        long now = nanoClock.getAsLong();
        long due = nextLogAt.get();
        if (due != Long.MIN_VALUE && now - due < 0) {
            return;
        }
        if (!nextLogAt.compareAndSet(due, now + logIntervalNanos)) {
            return; // another thread logs this round
        }
        long count = unlogged.getAndSet(0);
        LOG.log(Level.WARNING, "PostHog proxy: " + target + " " + what + "; the browser got an error and will retry"
                + (count > 1 ? " (" + count + " failed requests since the previous report)" : "")
                + ". Next report in " + Duration.ofNanos(logIntervalNanos).toSeconds() + " s at the earliest. Cause: "
                + (error == null ? "-" : error), (Throwable) null);
    }

    public ProxyStats snapshot() {
        return new ProxyStats(forwarded.get(), refused.get(), upstreamFailures.get(), bytesUp.get(), bytesDown.get());
    }

    /**
     * @param forwarded        requests sent on to PostHog (whatever PostHog answered)
     * @param refused          requests answered by Agnes itself: unknown path, method, too large
     * @param upstreamFailures requests PostHog did not answer in time or at all (502/504 to the browser)
     * @param bytesUp          request body bytes forwarded to PostHog
     * @param bytesDown        response body bytes passed back to browsers
     */
    public record ProxyStats(long forwarded, long refused, long upstreamFailures, long bytesUp, long bytesDown) {
    }
}
