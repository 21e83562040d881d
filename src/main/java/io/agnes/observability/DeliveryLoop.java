package io.agnes.observability;

import io.agnes.observability.EventPacker.PackedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the sender thread does: take batches from the queue, make each event fit PostHog's limits, send,
 * and retry until PostHog has the events, it refuses them for good, or the stop deadline passes.
 *
 * <ul>
 * <li>Connection failures, timeouts, 408, 429 and 5xx are retried with exponential backoff (honouring
 * {@code Retry-After}) for as long as it takes; meanwhile new events wait in the bounded queue, and only
 * its overflow is dropped. One request at a time, so an outage costs one retrying request, not a storm.</li>
 * <li>413: the batch is split in halves, each sent (and split) again; a single event PostHog still finds
 * too large is dropped. 400 and other 4xx: dropped, not retried (the same bytes would fail the same way).</li>
 * <li>An event over PostHog's size limit is given to the shrinker first; still too large, it is dropped.</li>
 * <li>A request body stays under the body limit: a batch is sent in as many requests as needed.</li>
 * <li>While it waits to retry, the sender packs the waiting events ({@link EventPacker}): an outage's backlog is
 * then held compressed, not as objects the collector keeps tracing.</li>
 * </ul>
 * Every drop is counted by reason and logged (rate-limited) by {@link DeliveryCounters}.
 */
final class DeliveryLoop implements Runnable {

    private static final Logger LOG = Logger.getLogger(PostHogClient.class.getName());
    /** While waiting to retry, events captured meanwhile are packed after at most this long. */
    private static final long PACK_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();

    /** The stop deadline passed: what is left is dropped. */
    private static final class DeadlinePassed extends Exception {
        DeadlinePassed() {
            super("stop deadline passed", null, false, false);
        }
    }

    private final EventQueue queue;
    private final BatchSender sender;
    private final DeliveryCounters counters;
    private final DeliveryTuning tuning;
    private final Function<Event, Event> shrinker;
    private final String libVersion;
    private final long windowNanos;
    private final Duration requestTimeout;
    private final Duration shutdownTimeout;
    // the sender thread's own state
    private final EventPacker packer = new EventPacker();
    private long unresolved; // events of the current batch neither sent nor dropped yet
    private int failuresInARow;

    DeliveryLoop(EventQueue queue, BatchSender sender, DeliveryCounters counters, DeliveryTuning tuning,
            Function<Event, Event> shrinker, String libVersion, Duration flushInterval, Duration requestTimeout,
            Duration shutdownTimeout) {
        this.queue = queue;
        this.sender = sender;
        this.counters = counters;
        this.tuning = tuning;
        this.shrinker = shrinker;
        this.libVersion = libVersion;
        this.windowNanos = flushInterval.toNanos();
        this.requestTimeout = requestTimeout;
        this.shutdownTimeout = shutdownTimeout;
    }

    @Override
    public void run() {
        try {
            while (true) {
                long now = System.nanoTime();
                counters.reportDrops(now, false);
                EventQueue.Batch batch = queue.nextBatch(windowNanos, counters.nanosUntilReportDue(now));
                if (batch == null) {
                    return; // stopping, and everything was sent
                }
                if (batch.size() == 0) {
                    continue; // woke up to log drops
                }
                unresolved = batch.size();
                try {
                    deliver(batch);
                } catch (RuntimeException e) {
                    LOG.log(Level.SEVERE, "PostHog: unexpected error while sending " + unresolved + " events; they are dropped", e);
                    counters.drop(DropReason.ERROR, unresolved, e.toString());
                    unresolved = 0;
                }
                queue.done(batch.size());
            }
        } catch (InterruptedException | DeadlinePassed e) {
            // the stop deadline passed: what is left is dropped below
        } finally {
            try {
                long left = unresolved + queue.close();
                if (left > 0) {
                    counters.drop(DropReason.SHUTDOWN, left, "still unsent when the stop deadline ("
                            + shutdownTimeout.toMillis() + " ms) passed" + (failuresInARow > 0 ? "; PostHog was failing" : ""));
                }
            } finally {
                packer.close();
                sender.close(); // whatever ended the loop (even an Error), the HTTP client's threads must end
            }
        }
    }

    private void deliver(EventQueue.Batch batch) throws InterruptedException, DeadlinePassed {
        List<byte[]> items = new ArrayList<>(batch.size());
        for (PackedEvent packed : batch.packed()) {
            try {
                items.add(packer.unpack(packed));
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "PostHog: a packed event could not be unpacked; dropped", e);
                dropOne(DropReason.ERROR, "packed event not unpackable: " + e);
            }
        }
        for (Event event : batch.events()) {
            byte[] item = prepare(event);
            if (item == null) {
                unresolved--;
            } else {
                items.add(item);
            }
        }
        List<byte[]> chunk = new ArrayList<>(items.size());
        long chunkBytes = BatchSender.ENVELOPE_BYTES;
        for (byte[] item : items) {
            if (!chunk.isEmpty() && chunkBytes + item.length + 1 > tuning.bodyBytes()) {
                sendWithRetry(chunk);
                chunk = new ArrayList<>();
                chunkBytes = BatchSender.ENVELOPE_BYTES;
            }
            chunk.add(item);
            chunkBytes += item.length + 1;
        }
        if (!chunk.isEmpty()) {
            sendWithRetry(chunk);
        }
    }

    /**
     * The event as a batch item within PostHog's size limit (shrunk if need be), or {@code null} when dropped (the
     * drop is counted; the caller accounts for the event).
     */
    private byte[] prepare(Event event) {
        byte[] item;
        try {
            item = EventJson.item(event, libVersion);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "PostHog: a property of a " + event.name() + " event cannot be written as JSON; dropped", e);
            counters.drop(DropReason.ERROR, 1, event.name() + " event not writable as JSON: " + e);
            return null;
        }
        int limit = tuning.limitFor(event);
        if (item.length <= limit) {
            return item;
        }
        int originalBytes = item.length;
        try {
            Event smaller = shrinker.apply(event);
            if (smaller != null && smaller != event) {
                item = EventJson.item(smaller, libVersion);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "PostHog: shrinking a " + event.name() + " event failed", e);
        }
        if (item.length <= limit) {
            return item;
        }
        counters.drop(DropReason.TOO_LARGE, 1, event.name() + " event of " + originalBytes + " bytes (" + item.length
                + " after shrinking) over PostHog's limit of " + limit);
        return null;
    }

    private void sendWithRetry(List<byte[]> items) throws InterruptedException, DeadlinePassed {
        int retry = 0;
        while (true) {
            Duration timeout = requestTimeout;
            if (queue.stopping()) {
                long left = queue.stopDeadlineNanos() - System.nanoTime();
                if (left <= 0) {
                    throw new DeadlinePassed();
                }
                timeout = Duration.ofNanos(Math.min(timeout.toNanos(), left));
            }
            BatchSender.Outcome outcome = sender.send(items, timeout);
            switch (outcome.verdict()) {
                case DELIVERED -> {
                    counters.sent.addAndGet(items.size());
                    unresolved -= items.size();
                    if (failuresInARow > 0) {
                        LOG.info("PostHog: delivery works again after " + failuresInARow + " failed attempts");
                        failuresInARow = 0;
                    }
                    return;
                }
                case TOO_LARGE -> {
                    if (items.size() > 1) {
                        sendWithRetry(new ArrayList<>(items.subList(0, items.size() / 2)));
                        sendWithRetry(new ArrayList<>(items.subList(items.size() / 2, items.size())));
                    } else {
                        dropOne(DropReason.TOO_LARGE, "PostHog answered 413 for a single event of "
                                + items.get(0).length + " bytes: " + outcome.detail());
                    }
                    return;
                }
                case REJECTED -> {
                    counters.drop(DropReason.REJECTED, items.size(), outcome.detail());
                    unresolved -= items.size();
                    return;
                }
                case RETRY -> {
                    retry++;
                    counters.retriedBatches.incrementAndGet();
                    counters.failed(outcome.detail());
                    if (failuresInARow++ == 0) {
                        LOG.warning("PostHog: delivery failed (" + outcome.detail() + "); retrying with backoff. "
                                + "New events wait in the queue meanwhile; only its overflow is dropped (counted).");
                    }
                    Duration delay = tuning.backoff().delay(retry, outcome.retryAfter(),
                            () -> ThreadLocalRandom.current().nextDouble());
                    counters.reportDrops(System.nanoTime(), false);
                    waitToRetry(System.nanoTime() + delay.toNanos());
                }
            }
        }
    }

    /**
     * Waits until {@code retryAtNanos}, packing the waiting events meanwhile: PostHog is failing, so they may wait
     * long. Returns at once when a stop begins (the sender then tries once more right away, in case PostHog is back);
     * during a stop it only waits, the deadline being near.
     */
    private void waitToRetry(long retryAtNanos) throws InterruptedException {
        if (queue.stopping()) {
            queue.pause(retryAtNanos - System.nanoTime());
            return;
        }
        while (true) {
            Event event;
            while (!queue.stopping() && System.nanoTime() < retryAtNanos && (event = queue.oldestUnpacked()) != null) {
                byte[] item = prepare(event);
                queue.packed(event, item == null ? null : packer.pack(item));
            }
            long left = retryAtNanos - System.nanoTime();
            if (left <= 0 || queue.stopping()) {
                return;
            }
            queue.pause(Math.min(left, PACK_INTERVAL_NANOS));
        }
    }

    private void dropOne(DropReason reason, String detail) {
        counters.drop(reason, 1, detail);
        unresolved--;
    }
}
