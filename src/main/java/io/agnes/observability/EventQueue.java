package io.agnes.observability;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over between capturing threads and the one sender thread.
 *
 * <p>{@link #offer} never waits for space: when {@code capacity} events are waiting, the NEW event is refused
 * (the caller counts it). Dropping the newest rather than the oldest keeps the refusal exact and race-free (the
 * refused event is the one in the caller's hand, counted once, with no competing removal by the sender) and
 * keeps the start of an incident, usually its most telling part, over a flood of repeats of it.
 *
 * <p>Besides the events, the queue holds the sender's wake-up signals ({@link #requestFlush}, {@link
 * #beginStop}) so that the sender waits in one place for any of them, and counts the events "in flight" (taken
 * by the sender, not yet sent or dropped) so {@link #awaitIdle} can tell when everything captured so far has
 * been dealt with. Own lock rather than an {@code ArrayBlockingQueue}: the sender must also wake for a flush or
 * a stop while the queue is empty, and an offer only signals when the sender can act (first event, full batch),
 * not on every event.
 */
final class EventQueue {

    /** What became of an offered event. */
    enum Offer { ACCEPTED, FULL, CLOSED }

    private final int capacity;
    private final int batchSize;
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition senderWake = lock.newCondition();
    private final Condition idle = lock.newCondition();
    private long firstQueuedNanos;
    private int inFlight;
    private boolean urgent;
    private volatile long stopDeadlineNanos;
    private volatile boolean stopping;
    private boolean closed;

    EventQueue(int capacity, int batchSize) {
        if (capacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("capacity and batch size must be at least 1");
        }
        this.capacity = capacity;
        this.batchSize = batchSize;
    }

    /** Never waits for space; takes the lock only for an append. */
    Offer offer(Event event) {
        lock.lock();
        try {
            if (closed) {
                return Offer.CLOSED;
            }
            if (events.size() >= capacity) {
                return Offer.FULL;
            }
            events.addLast(event);
            int size = events.size();
            if (size == 1) {
                firstQueuedNanos = System.nanoTime();
                senderWake.signal();
            } else if (size == batchSize) {
                senderWake.signal();
            }
            return Offer.ACCEPTED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the sender: the next batch (at most {@code batchSize} events) once a batch is full, the oldest waiting
     * event has waited {@code windowNanos}, a flush was requested or a stop began. Returns an empty list when
     * {@code maxIdleNanos} passed with nothing to send (the sender has housekeeping to do), and {@code null}
     * when stopping with nothing left: the sender's signal to end.
     */
    List<Event> nextBatch(long windowNanos, long maxIdleNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long idleLeft = maxIdleNanos;
            while (events.isEmpty()) {
                if (stopping || closed) {
                    return null;
                }
                if (idleLeft <= 0) {
                    return List.of();
                }
                idleLeft = senderWake.awaitNanos(idleLeft);
            }
            while (events.size() < batchSize && !urgent && !stopping) {
                long windowLeft = firstQueuedNanos + windowNanos - System.nanoTime();
                if (windowLeft <= 0) {
                    break;
                }
                senderWake.awaitNanos(windowLeft);
            }
            int count = Math.min(batchSize, events.size());
            List<Event> batch = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                batch.add(events.pollFirst());
            }
            inFlight += count;
            if (events.isEmpty()) {
                urgent = false;
            } else {
                // a backlog has waited long enough already: the next batch goes without a window
                firstQueuedNanos = System.nanoTime() - windowNanos;
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** For the sender: {@code count} events taken by {@link #nextBatch} were sent or dropped. */
    void done(int count) {
        lock.lock();
        try {
            inFlight -= count;
            if (inFlight == 0 && events.isEmpty()) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the sender, between retries: waits {@code nanos}, but never past the stop deadline, and returns at once
     * when a stop begins during the wait (the sender then tries once more right away, in case PostHog is back).
     */
    void pause(long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long end = System.nanoTime() + nanos;
            boolean stoppingAtStart = stopping;
            while (true) {
                if (stopping && !stoppingAtStart) {
                    return;
                }
                long left = (stopping ? Math.min(end, stopDeadlineNanos) : end) - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                senderWake.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Send what is queued now, without waiting for full batches. Never waits. */
    void requestFlush() {
        lock.lock();
        try {
            if (!events.isEmpty()) {
                urgent = true;
                senderWake.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Requests a flush and waits until nothing is queued or in flight, or {@code timeoutNanos} passed. */
    boolean awaitIdle(long timeoutNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (!events.isEmpty()) {
                urgent = true;
                senderWake.signalAll();
            }
            long left = timeoutNanos;
            while (!events.isEmpty() || inFlight > 0) {
                if (left <= 0 || closed) {
                    return events.isEmpty() && inFlight == 0;
                }
                left = idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sender sends what is left until {@code deadlineNanos} ({@link System#nanoTime()}), then ends. Offers are
     * still accepted until {@link #close}.
     */
    void beginStop(long deadlineNanos) {
        lock.lock();
        try {
            stopDeadlineNanos = deadlineNanos; // before the flag: whoever sees stopping sees the deadline
            stopping = true;
            senderWake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Refuses all further offers; returns how many events were still queued (they are removed). */
    int close() {
        lock.lock();
        try {
            closed = true;
            int left = events.size();
            events.clear();
            inFlight = 0;
            idle.signalAll();
            senderWake.signalAll();
            return left;
        } finally {
            lock.unlock();
        }
    }

    boolean stopping() {
        return stopping;
    }

    /** The stop deadline ({@link System#nanoTime()}); meaningful once {@link #stopping()}. */
    long stopDeadlineNanos() {
        return stopDeadlineNanos;
    }

    /** Events queued or in flight. */
    long pending() {
        lock.lock();
        try {
            return events.size() + (long) inFlight;
        } finally {
            lock.unlock();
        }
    }
}
