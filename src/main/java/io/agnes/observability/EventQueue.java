package io.agnes.observability;

import io.agnes.observability.EventPacker.PackedEvent;
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
 *
 * <p>While PostHog fails, the sender packs the waiting events, oldest first ({@link #oldestUnpacked}, {@link
 * #packed}): they are then held compressed, in order, ahead of the events captured since. Only the sender takes
 * events out, so the oldest unpacked event stays where it is while the sender compresses it outside the lock.
 */
final class EventQueue {

    /** What became of an offered event. */
    enum Offer { ACCEPTED, FULL, CLOSED }

    private final int capacity;
    private final int batchSize;
    /** Older than every event in {@link #events}. */
    private final ArrayDeque<PackedEvent> packed = new ArrayDeque<>();
    private final ArrayDeque<Event> events = new ArrayDeque<>();
    private long packedBytes;
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
            if (queued() >= capacity) {
                return Offer.FULL;
            }
            events.addLast(event);
            int size = queued();
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
     * For the sender: the next batch (at most {@code batchSize} events, packed ones first) once a batch is full, the
     * oldest waiting
     * event has waited {@code windowNanos}, a flush was requested or a stop began. Returns an empty list when
     * {@code maxIdleNanos} passed with nothing to send (the sender has housekeeping to do), and {@code null}
     * when stopping with nothing left: the sender's signal to end.
     */
    Batch nextBatch(long windowNanos, long maxIdleNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long idleLeft = maxIdleNanos;
            while (queued() == 0) {
                if (stopping || closed) {
                    return null;
                }
                if (idleLeft <= 0) {
                    return Batch.EMPTY;
                }
                idleLeft = senderWake.awaitNanos(idleLeft);
            }
            while (queued() < batchSize && !urgent && !stopping) {
                long windowLeft = firstQueuedNanos + windowNanos - System.nanoTime();
                if (windowLeft <= 0) {
                    break;
                }
                senderWake.awaitNanos(windowLeft);
            }
            int fromPacked = Math.min(batchSize, packed.size());
            List<PackedEvent> packedPart = new ArrayList<>(fromPacked);
            for (int i = 0; i < fromPacked; i++) {
                PackedEvent event = packed.pollFirst();
                packedBytes -= event.compressed().length;
                packedPart.add(event);
            }
            int fromEvents = Math.min(batchSize - fromPacked, events.size());
            List<Event> eventPart = new ArrayList<>(fromEvents);
            for (int i = 0; i < fromEvents; i++) {
                eventPart.add(events.pollFirst());
            }
            inFlight += fromPacked + fromEvents;
            if (queued() == 0) {
                urgent = false;
            } else {
                // a backlog has waited long enough already: the next batch goes without a window
                firstQueuedNanos = System.nanoTime() - windowNanos;
            }
            return new Batch(packedPart, eventPart);
        } finally {
            lock.unlock();
        }
    }

    /** For the sender: {@code count} events taken by {@link #nextBatch} were sent or dropped. */
    void done(int count) {
        lock.lock();
        try {
            inFlight -= count;
            signalIfIdle();
        } finally {
            lock.unlock();
        }
    }

    /** For the sender, to pack it: the oldest event not packed yet, or {@code null}. */
    Event oldestUnpacked() {
        lock.lock();
        try {
            return events.peekFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the sender: {@code event}, the {@link #oldestUnpacked} one, is replaced by its packed form, or removed when
     * {@code packedForm} is {@code null} (it could not be sent: the sender counted it as dropped).
     */
    void packed(Event event, PackedEvent packedForm) {
        lock.lock();
        try {
            if (events.peekFirst() != event) {
                return; // closed meanwhile: the queue was emptied and the event counted with the rest
            }
            events.pollFirst();
            if (packedForm != null) {
                packed.addLast(packedForm);
                packedBytes += packedForm.compressed().length;
            } else {
                signalIfIdle();
            }
        } finally {
            lock.unlock();
        }
    }

    private void signalIfIdle() {
        if (inFlight == 0 && queued() == 0) {
            idle.signalAll();
        }
    }

    private int queued() {
        return packed.size() + events.size();
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
            if (queued() > 0) {
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
            if (queued() > 0) {
                urgent = true;
                senderWake.signalAll();
            }
            long left = timeoutNanos;
            while (queued() > 0 || inFlight > 0) {
                if (left <= 0 || closed) {
                    return queued() == 0 && inFlight == 0;
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
            int left = queued();
            events.clear();
            packed.clear();
            packedBytes = 0;
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
        return backlog().pending();
    }

    Backlog backlog() {
        lock.lock();
        try {
            return new Backlog(queued() + (long) inFlight, packed.size(), packedBytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param pending     events queued or in flight
     * @param packed      of those, the ones held compressed
     * @param packedBytes the size of the packed ones, compressed
     */
    record Backlog(long pending, long packed, long packedBytes) {

        static final Backlog NONE = new Backlog(0, 0, 0);
    }

    /** Events taken for sending, oldest first: the packed ones, then the others. */
    record Batch(List<PackedEvent> packed, List<Event> events) {

        static final Batch EMPTY = new Batch(List.of(), List.of());

        int size() {
            return packed.size() + events.size();
        }
    }
}
