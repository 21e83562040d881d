package io.agnes.observability;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of the PostHog delivery counters, for logs and an operator page.
 *
 * <p>Every event passed to {@code capture} while the client is on ends in exactly one place:
 * {@code captured = sent + droppedTotal() + pending} (pending = queued or being sent).
 *
 * @param enabled                whether the integration is on (all counters stay zero when off)
 * @param captured               events handed to {@code capture}
 * @param sent                   events PostHog acknowledged (HTTP 2xx)
 * @param retriedBatches         requests that failed in a retryable way and were (or will be) sent again
 * @param dropped                events dropped, by reason (every reason present, zero included)
 * @param pending                events queued or in the request being sent right now
 * @param pendingCompressed      of those, the ones held compressed: the sender compresses the waiting events while
 *                               PostHog fails, so that an outage's backlog takes little memory
 * @param pendingCompressedBytes what those take, compressed
 * @param lastError              the latest delivery failure (status or exception), if any
 * @param lastErrorAt            when it happened
 */
public record DeliveryStats(
        boolean enabled,
        long captured,
        long sent,
        long retriedBatches,
        Map<DropReason, Long> dropped,
        long pending,
        long pendingCompressed,
        long pendingCompressedBytes,
        Optional<String> lastError,
        Optional<Instant> lastErrorAt) {

    public DeliveryStats {
        dropped = Map.copyOf(dropped);
    }

    public long dropped(DropReason reason) {
        return dropped.getOrDefault(reason, 0L);
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(Long::longValue).sum();
    }
}
