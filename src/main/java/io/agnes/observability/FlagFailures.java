package io.agnes.observability;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The log of one kind of feature-flag failure, rate limited: the first failure is logged at once, later ones at
 * most once per interval with how many happened since, and the first success after a failure once. A PostHog
 * outage thus costs a handful of lines, not one per page view. Runs on the HTTP client's threads and the poller,
 * never on a request thread.
 */
final class FlagFailures {

    private static final Logger LOG = Logger.getLogger(FeatureFlags.class.getName());

    private final String what;
    private final long intervalNanos;
    private final LongSupplier clock;
    private long lastLoggedNanos;
    private boolean failing;
    private long unreported;

    /**
     * @param what     the failing thing, as the start of a sentence ("PostHog feature flags")
     * @param interval the least time between two failure lines
     */
    FlagFailures(String what, Duration interval, LongSupplier clock) {
        this.what = what;
        this.intervalNanos = interval.toNanos();
        this.clock = clock;
    }

    /** @param reason what went wrong, already free of secrets */
    synchronized void failed(String reason, String consequence) {
        long now = clock.getAsLong();
        if (failing && now - lastLoggedNanos < intervalNanos) {
            unreported++;
            return;
        }
        String since = unreported == 0 ? "" : " (" + unreported + " more failure" + (unreported == 1 ? "" : "s")
                + " since the previous report)";
        LOG.warning(what + " failed: " + reason + "; " + consequence + since);
        failing = true;
        unreported = 0;
        lastLoggedNanos = now;
    }

    synchronized void succeeded() {
        if (failing) {
            LOG.info(what + " work again" + (unreported == 0 ? "" : " (" + unreported + " unreported failures before)"));
            failing = false;
            unreported = 0;
        }
    }
}
