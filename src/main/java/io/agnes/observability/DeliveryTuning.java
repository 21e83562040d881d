package io.agnes.observability;

import java.time.Duration;

/**
 * The fixed parts of delivery: PostHog's size limits and the retry and logging cadence. Not operator
 * settings (PostHog's limits are not ours to choose); tests shrink them to stay fast.
 *
 * @param eventBytes         largest serialized event PostHog takes on {@code /batch/}: "1 MB" (kept at
 *                           1,000,000 so that it holds whether PostHog means 10^6 or 2^20)
 * @param aiEventBytes       largest serialized {@code $ai_*} event on {@code /batch/}: 983,040 (PostHog's own figure)
 * @param bodyBytes          largest uncompressed request body: a margin under PostHog's 20 MB per request
 * @param dropReportInterval at most one log line about dropped events per this interval
 */
record DeliveryTuning(
        RetryBackoff backoff,
        int eventBytes,
        int aiEventBytes,
        int bodyBytes,
        Duration dropReportInterval) {

    static final DeliveryTuning DEFAULT = new DeliveryTuning(
            new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(10)),
            1_000_000,
            983_040,
            19_000_000,
            Duration.ofSeconds(60));

    DeliveryTuning {
        if (eventBytes + BatchSender.ENVELOPE_BYTES > bodyBytes || aiEventBytes > eventBytes) {
            throw new IllegalArgumentException("an event at its limit must fit in a body: " + eventBytes + ", " + bodyBytes);
        }
    }

    /** The size limit for this event. */
    int limitFor(Event event) {
        return event.name().startsWith("$ai_") ? aiEventBytes : eventBytes;
    }
}
