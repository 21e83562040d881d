package io.agnes.observability;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A warning about something that can happen on every request (a snippet that fails to render, PostHog not
 * answering the proxy): logged at once the first time, then at most once per interval, each line saying how many
 * occurrences it stands for. A flood of identical lines would bury the log and cost the requests that write them.
 */
final class RateLimitedWarning {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong unlogged = new AtomicLong();
    /** When the next line may be written; {@code Long.MIN_VALUE} = at once (nothing logged yet). */
    private final AtomicLong nextLogAt = new AtomicLong(Long.MIN_VALUE);

    RateLimitedWarning(Logger log, Duration interval, LongSupplier nanoClock) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = nanoClock;
    }

    /**
     * Counts one occurrence and logs it unless a line was written less than the interval ago.
     *
     * @param message the line, given how many occurrences it stands for (this one and those not logged before)
     * @param error   the cause logged with the line, may be {@code null}
     */
    void occurred(LongFunction<String> message, Throwable error) {
        unlogged.incrementAndGet();
        long now = nanoClock.getAsLong();
        long due = nextLogAt.get();
        if (due != Long.MIN_VALUE && now - due < 0) {
            return;
        }
        if (!nextLogAt.compareAndSet(due, now + intervalNanos)) {
            return; // another thread logs this round
        }
        long count = unlogged.getAndSet(0);
        log.log(Level.WARNING, message.apply(count) + ". Next report in " + Duration.ofNanos(intervalNanos).toSeconds()
                + " s at the earliest.", error);
    }
}
