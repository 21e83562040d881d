package io.agnes.observability;

import java.util.Locale;

/** Why an event was not delivered. Every drop is counted under one of these and logged (rate-limited). */
public enum DropReason {
    /** the queue held {@code POSTHOG_QUEUE_SIZE} events already (PostHog slow or unreachable); the new event was dropped */
    QUEUE_FULL,
    /** the event stayed over PostHog's size limit after the shrinker, or PostHog answered 413 for it alone */
    TOO_LARGE,
    /** PostHog refused the batch as invalid (400 or another non-retryable 4xx such as 401 for a wrong key) */
    REJECTED,
    /**
     * an unexpected error while preparing or sending (e.g. a property whose {@code toString()} throws); the
     * error is logged with its stack trace, the other events are sent
     */
    ERROR,
    /** still queued or unsent when the stop deadline passed, or captured after stop */
    SHUTDOWN;

    /** {@code queue_full}, {@code too_large}, …: the name used in logs and on the operator page. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
