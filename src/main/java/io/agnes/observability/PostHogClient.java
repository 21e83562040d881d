package io.agnes.observability;

import io.agnes.web.BuildInfo;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends events to PostHog: the one object the rest of the integration talks to.
 *
 * <p>{@link #capture} never blocks, never throws and costs the caller one queue append. A single sender thread
 * ({@value #SENDER_THREAD}) batches, gzips and posts to {@code {host}/batch/}, retrying failed requests
 * with backoff; {@link #stop()} delivers what is queued within {@code POSTHOG_SHUTDOWN_TIMEOUT} and ends
 * every thread it started. See {@code docs/observability.md}, "Delivery guarantees", for the reasons.
 *
 * <p>When the integration is off ({@link #off()}, or {@link #start} with settings that are off) the client
 * is an empty shell: no thread, no HTTP client, no socket; every method returns at once.
 *
 * <p>Not a singleton and no static state: the container creates one at start and stops it at shutdown, so a
 * redeploy leaves nothing behind.
 */
public final class PostHogClient {

    static final String SENDER_THREAD = "agnes-posthog-sender";
    /** Beyond the deadline, how long {@link #stop()} waits for the interrupted sender to clean up. */
    static final Duration STOP_SLACK = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(PostHogClient.class.getName());

    private final EventQueue queue;
    private final DeliveryCounters counters;
    private final Thread sender;
    private final Duration shutdownTimeout;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private PostHogClient(EventQueue queue, DeliveryCounters counters, Thread sender, Duration shutdownTimeout) {
        this.queue = queue;
        this.counters = counters;
        this.sender = sender;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** The client that does nothing: the integration is off. */
    public static PostHogClient off() {
        return new PostHogClient(null, new DeliveryCounters(Duration.ofSeconds(60)), null, Duration.ZERO);
    }

    /** Starts delivering (or returns {@link #off()} when the settings say off). Never throws. */
    public static PostHogClient start(PostHogSettings settings) {
        return start(settings, Function.identity());
    }

    /**
     * @param shrinker makes an event over PostHog's size limit smaller (e.g. cuts LLM payloads); it runs on the
     *                 sender thread, only for events over the limit; an event still too large is dropped (counted)
     */
    public static PostHogClient start(PostHogSettings settings, Function<Event, Event> shrinker) {
        return start(settings, shrinker, DeliveryTuning.DEFAULT);
    }

    static PostHogClient start(PostHogSettings settings, Function<Event, Event> shrinker, DeliveryTuning tuning) {
        if (!settings.enabled()) {
            return off();
        }
        BatchSender batchSender = null;
        try {
            String libVersion = BuildInfo.version();
            EventQueue queue = new EventQueue(settings.queueSize(), settings.batchSize());
            DeliveryCounters counters = new DeliveryCounters(tuning.dropReportInterval());
            batchSender = new BatchSender(settings.host(), settings.apiKey(), libVersion, settings.requestTimeout());
            DeliveryLoop loop = new DeliveryLoop(queue, batchSender, counters, tuning, shrinker, libVersion,
                    settings.flushInterval(), settings.requestTimeout(), settings.shutdownTimeout());
            // a plain platform thread, started here and joined in stop(); daemon so that a command-line
            // program that forgets stop() can still exit
            Thread thread = new Thread(loop, SENDER_THREAD);
            thread.setDaemon(true);
            thread.start();
            LOG.info(settings.summary());
            return new PostHogClient(queue, counters, thread, settings.shutdownTimeout());
        } catch (RuntimeException e) {
            if (batchSender != null) {
                batchSender.close();
            }
            LOG.log(Level.SEVERE, "PostHog could not start; the integration is off and Agnes runs without it", e);
            return off();
        }
    }

    /** Whether events are being delivered (on, and not stopped). */
    public boolean isEnabled() {
        return queue != null && !stopped.get();
    }

    /**
     * Queues the event for delivery. Never blocks and never throws: when the queue is full the event is dropped
     * and counted ({@link DropReason#QUEUE_FULL}); after {@link #stop()} it is counted as {@link DropReason#SHUTDOWN}.
     */
    public void capture(Event event) {
        if (queue == null || event == null) {
            return;
        }
        try {
            counters.captured.incrementAndGet();
            switch (queue.offer(event)) {
                case FULL -> counters.drop(DropReason.QUEUE_FULL, 1);
                case CLOSED -> counters.drop(DropReason.SHUTDOWN, 1);
                default -> {
                }
            }
        } catch (RuntimeException e) {
            // a queue append cannot fail; if it ever did, the caller's work must not
            LOG.log(Level.FINE, "PostHog capture failed", e);
        }
    }

    /** {@link #capture(Event)} of a new event happening now. Never throws (a blank name is ignored). */
    public void capture(String name, String distinctId, Map<String, ?> properties) {
        if (queue == null) {
            return;
        }
        try {
            capture(Event.of(name, distinctId, properties));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "PostHog capture of an invalid event ignored", e);
        }
    }

    /** Asks the sender to send what is queued now instead of waiting for a full batch. Never blocks. */
    public void flush() {
        if (queue != null) {
            queue.requestFlush();
        }
    }

    /**
     * Sends what is queued now and waits until it is delivered (or dropped), at most {@code timeout}.
     *
     * @return whether nothing is left to send
     */
    public boolean flush(Duration timeout) {
        if (queue == null) {
            return true;
        }
        try {
            return queue.awaitIdle(timeout.toNanos());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return queue.pending() == 0;
        }
    }

    /**
     * Delivers what is queued within {@code POSTHOG_SHUTDOWN_TIMEOUT}, drops (and counts) what is left, and
     * ends the sender and HTTP threads. Returns within the timeout plus a little slack, even when PostHog does
     * not answer. Idempotent.
     */
    public void stop() {
        if (queue == null || !stopped.compareAndSet(false, true)) {
            return;
        }
        long began = System.nanoTime();
        long deadline = began + shutdownTimeout.toNanos();
        queue.beginStop(deadline);
        // an interrupt of the stopping thread (an application server's undeploy thread can carry one from an earlier
        // step) must not cut the flush short: the wait is bounded anyway, and the flag is given back at the end
        boolean interrupted = Thread.interrupted();
        interrupted |= joinSender(deadline);
        if (sender.isAlive()) {
            // a request started before the stop may still wait for its own timeout: cut it short
            sender.interrupt();
            interrupted |= joinSender(System.nanoTime() + STOP_SLACK.toNanos());
            if (sender.isAlive()) {
                LOG.severe("PostHog: the sender thread did not end within " + STOP_SLACK.toMillis() + " ms after the stop deadline");
            }
        }
        counters.reportDrops(System.nanoTime(), true);
        DeliveryStats stats = counters();
        StringBuilder dropped = new StringBuilder();
        stats.dropped().entrySet().stream().filter(e -> e.getValue() > 0).sorted(Map.Entry.comparingByKey())
                .forEach(e -> dropped.append(dropped.isEmpty() ? " (" : ", ").append(e.getKey().wireName())
                        .append('=').append(e.getValue()));
        // the time taken is what an operator's stop or redeploy waited for PostHog (bounded by the timeout)
        LOG.info("PostHog stopped in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms (timeout "
                + shutdownTimeout.toMillis() + " ms): captured=" + stats.captured() + ", sent=" + stats.sent() + ", dropped="
                + stats.droppedTotal() + (dropped.isEmpty() ? "" : dropped + ")"));
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for the sender to end, until {@code deadline} at most, through interrupts; returns whether there was one. */
    private boolean joinSender(long deadline) {
        boolean interrupted = false;
        for (long left = deadline - System.nanoTime(); sender.isAlive() && left > 0; left = deadline - System.nanoTime()) {
            try {
                sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    /** The delivery counters now. */
    public DeliveryStats counters() {
        return counters.snapshot(queue != null, queue == null ? EventQueue.Backlog.NONE : queue.backlog());
    }
}
