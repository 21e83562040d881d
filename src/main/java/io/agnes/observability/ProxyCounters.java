package io.agnes.observability;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
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

    private final RateLimitedWarning failureLog;
    private final RateLimitedWarning loopLog;

    public ProxyCounters() {
        this(DEFAULT_LOG_INTERVAL, System::nanoTime);
    }

    ProxyCounters(Duration logInterval, LongSupplier nanoClock) {
        this.failureLog = new RateLimitedWarning(LOG, logInterval, nanoClock);
        this.loopLog = new RateLimitedWarning(LOG, logInterval, nanoClock);
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
        failureLog.occurred(count -> "PostHog proxy: " + target + " " + what + "; the browser got an error and will retry"
                + (count > 1 ? " (" + count + " failed requests since the previous report)" : "")
                + ". Cause: " + (error == null ? "-" : error), null);
    }

    /**
     * Counts, as refused, a request that came back to the proxy that had forwarded it (or passed more proxies than
     * any way to PostHog does), and tells the operator what to fix, at most once per interval.
     *
     * @param posthogHost the API upstream, i.e. {@code POSTHOG_HOST}
     * @param hops        the proxies the request had passed ({@code Via} entries)
     */
    void loopRefused(String posthogHost, int hops) {
        refused.incrementAndGet();
        loopLog.occurred(count -> "PostHog proxy: a request came back through Agnes' own proxy after " + hops
                + " hop(s), so POSTHOG_HOST=" + posthogHost + " leads to Agnes (this server's or another Agnes'"
                + " proxy path), not to PostHog; answered 508 Loop Detected"
                + (count > 1 ? " (" + count + " such requests since the previous report)" : "")
                + ". Set POSTHOG_HOST to PostHog itself (e.g. https://eu.i.posthog.com or your self-hosted PostHog):"
                + " the browser already goes through POSTHOG_PROXY_PATH.", null);
    }

    public ProxyStats snapshot() {
        return new ProxyStats(forwarded.get(), refused.get(), upstreamFailures.get(), bytesUp.get(), bytesDown.get());
    }

    /**
     * @param forwarded        requests sent on to PostHog (whatever PostHog answered)
     * @param refused          requests answered by Agnes itself: unknown path, method, too large, a loop
     * @param upstreamFailures requests PostHog did not answer in time or at all (502/504 to the browser)
     * @param bytesUp          request body bytes forwarded to PostHog
     * @param bytesDown        response body bytes passed back to browsers
     */
    public record ProxyStats(long forwarded, long refused, long upstreamFailures, long bytesUp, long bytesDown) {
    }
}
