package io.agnes.observability;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.logging.Logger;

/**
 * The delivery counters, and the rate-limited log of drops.
 *
 * <p>Capturing threads only increment a counter: logging on a request thread could block on a slow log
 * handler. The sender thread calls {@link #reportDrops} on each pass and logs, at most once per interval,
 * one line with what was dropped since the previous line, by reason, with the latest detail.
 */
final class DeliveryCounters {

    private static final Logger LOG = Logger.getLogger(PostHogClient.class.getName());
    private static final DropReason[] REASONS = DropReason.values();

    final AtomicLong captured = new AtomicLong();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong retriedBatches = new AtomicLong();
    private final AtomicLong[] dropped = new AtomicLong[REASONS.length];
    private final AtomicReferenceArray<String> latestDetail = new AtomicReferenceArray<>(REASONS.length);
    private volatile String lastError;
    private volatile Instant lastErrorAt;

    private final long reportIntervalNanos;
    // touched only by the thread that reports (the sender; stop() after joining it)
    private final long[] reported = new long[REASONS.length];
    private long lastReportNanos;
    private boolean everReported;

    DeliveryCounters(Duration reportInterval) {
        this.reportIntervalNanos = reportInterval.toNanos();
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new AtomicLong();
        }
    }

    /** Cheap and allocation-free: safe on a request thread. */
    void drop(DropReason reason, long events) {
        dropped[reason.ordinal()].addAndGet(events);
    }

    void drop(DropReason reason, long events, String detail) {
        latestDetail.set(reason.ordinal(), detail);
        drop(reason, events);
    }

    long dropped(DropReason reason) {
        return dropped[reason.ordinal()].get();
    }

    void failed(String error) {
        lastError = error;
        lastErrorAt = Instant.now();
    }

    /** Whether drops wait to be logged, and when the next line is allowed ({@code 0} = now). */
    long nanosUntilReportDue(long now) {
        if (!unreported()) {
            return Long.MAX_VALUE;
        }
        return everReported ? Math.max(0, lastReportNanos + reportIntervalNanos - now) : 0;
    }

    /** Logs the drops since the previous line, unless that line is less than the interval old. */
    void reportDrops(long now, boolean force) {
        if (!unreported() || !force && nanosUntilReportDue(now) > 0) {
            return;
        }
        StringBuilder line = new StringBuilder("PostHog: ");
        long total = 0;
        StringBuilder reasons = new StringBuilder();
        for (DropReason reason : REASONS) {
            long count = dropped[reason.ordinal()].get();
            long fresh = count - reported[reason.ordinal()];
            if (fresh == 0) {
                continue;
            }
            reported[reason.ordinal()] = count;
            total += fresh;
            reasons.append(reasons.isEmpty() ? "" : "; ").append(reason.wireName()).append('=').append(fresh);
            String detail = latestDetail.get(reason.ordinal());
            if (detail != null) {
                reasons.append(" (latest: ").append(detail).append(')');
            }
        }
        line.append(total).append(total == 1 ? " event" : " events").append(" dropped")
                .append(everReported ? " since the previous report: " : ": ").append(reasons)
                .append(". Totals: captured=").append(captured.get()).append(", sent=").append(sent.get())
                .append(", dropped=").append(droppedTotal())
                .append(". Next report of drops in ").append(Duration.ofNanos(reportIntervalNanos).toSeconds())
                .append(" s at the earliest.");
        everReported = true;
        lastReportNanos = now;
        LOG.warning(line.toString());
    }

    private boolean unreported() {
        for (DropReason reason : REASONS) {
            if (dropped[reason.ordinal()].get() != reported[reason.ordinal()]) {
                return true;
            }
        }
        return false;
    }

    private long droppedTotal() {
        long total = 0;
        for (AtomicLong count : dropped) {
            total += count.get();
        }
        return total;
    }

    DeliveryStats snapshot(boolean enabled, EventQueue.Backlog backlog) {
        Map<DropReason, Long> byReason = new EnumMap<>(DropReason.class);
        for (DropReason reason : REASONS) {
            byReason.put(reason, dropped[reason.ordinal()].get());
        }
        return new DeliveryStats(enabled, captured.get(), sent.get(), retriedBatches.get(), byReason,
                backlog.pending(), backlog.packed(), backlog.packedBytes(),
                Optional.ofNullable(lastError), Optional.ofNullable(lastErrorAt));
    }
}
