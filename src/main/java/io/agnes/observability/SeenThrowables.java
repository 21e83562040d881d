package io.agnes.observability;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Remembers which throwables were already sent, so one failure becomes one {@code $exception} even when two
 * layers see it: the orchestrator's interceptor captures a failure, then the same exception, or a wrapper of
 * it (an {@code EJBException}, a {@code WebApplicationException}), reaches the 500 mapper; the second capture
 * is skipped because the throwable or one of its causes was already sent.
 *
 * <p>Identity, not {@code equals}: two distinct failures whose exception class overrides {@code equals} must
 * both be sent. Weak: an entry never keeps a throwable (and through it a web-app class loader) alive; cleared
 * entries are dropped on the next call. {@code Collections.newSetFromMap(new WeakHashMap<>())} would be weak
 * but compare with {@code equals}/{@code hashCode}; {@code IdentityHashMap} would compare by identity but pin
 * everything. As a last safety net the memory is wiped once it holds {@value #MAX_ENTRIES} live throwables:
 * at worst a duplicate event, never a lost one.
 *
 * <p>Thread-safe; the interceptor and the mapper may run on different threads.
 */
public final class SeenThrowables {

    static final int MAX_ENTRIES = 10_000;
    /** How far down a cause chain a wrapper is recognised (chains are short; cycles end earlier). */
    private static final int MAX_CHAIN = 64;

    private final ReferenceQueue<Throwable> cleared = new ReferenceQueue<>();
    private final Map<Integer, List<Entry>> byIdentityHash = new HashMap<>();
    private int size;

    /**
     * {@code true} exactly once per failure: when neither {@code error} nor any of its causes was seen
     * before. It then remembers {@code error}, its causes and their suppressed exceptions (everything a
     * {@code $exception_list} of it contains). {@code null} is never a first sighting.
     */
    public synchronized boolean firstSighting(Throwable error) {
        if (error == null) {
            return false;
        }
        expungeCleared();
        List<Throwable> chain = chainOf(error);
        for (Throwable t : chain) {
            if (contains(t)) {
                return false;
            }
        }
        if (size >= MAX_ENTRIES) {
            byIdentityHash.clear();
            size = 0;
        }
        for (Throwable t : chain) {
            add(t);
            for (Throwable suppressed : suppressedOf(t)) {
                if (suppressed != null && !contains(suppressed)) {
                    add(suppressed);
                }
            }
        }
        return true;
    }

    /** How many throwables are remembered and still alive (after dropping cleared entries). */
    synchronized int size() {
        expungeCleared();
        return size;
    }

    private static List<Throwable> chainOf(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        Set<Throwable> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = error;
        while (current != null && chain.size() < MAX_CHAIN && visited.add(current)) {
            chain.add(current);
            try {
                current = current.getCause();
            } catch (RuntimeException e) {
                current = null;
            }
        }
        return chain;
    }

    private static Throwable[] suppressedOf(Throwable t) {
        try {
            Throwable[] suppressed = t.getSuppressed();
            return suppressed == null ? new Throwable[0] : suppressed;
        } catch (RuntimeException e) {
            return new Throwable[0];
        }
    }

    private boolean contains(Throwable t) {
        List<Entry> bucket = byIdentityHash.get(System.identityHashCode(t));
        if (bucket != null) {
            for (Entry entry : bucket) {
                if (entry.get() == t) {
                    return true;
                }
            }
        }
        return false;
    }

    private void add(Throwable t) {
        Entry entry = new Entry(t, cleared);
        byIdentityHash.computeIfAbsent(entry.identityHash, h -> new ArrayList<>(1)).add(entry);
        size++;
    }

    private void expungeCleared() {
        for (Reference<? extends Throwable> ref; (ref = cleared.poll()) != null; ) {
            Entry entry = (Entry) ref;
            List<Entry> bucket = byIdentityHash.get(entry.identityHash);
            // removal by identity of the entry: a wipe may already have dropped it
            if (bucket != null && bucket.removeIf(e -> e == entry)) {
                size--;
                if (bucket.isEmpty()) {
                    byIdentityHash.remove(entry.identityHash);
                }
            }
        }
    }

    /** A weak reference that remembers the identity hash of its throwable, to find its bucket once cleared. */
    private static final class Entry extends WeakReference<Throwable> {
        final int identityHash;

        Entry(Throwable t, ReferenceQueue<Throwable> queue) {
            super(t, queue);
            this.identityHash = System.identityHashCode(t);
        }
    }
}
