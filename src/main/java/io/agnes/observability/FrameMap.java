package io.agnes.observability;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One stack frame of an {@code $exception} as PostHog reads it, an immutable map in PostHog's key order:
 * {@code platform}, {@code module}, {@code function}, {@code filename}?, {@code lineno}?, {@code in_app},
 * {@code method_synthetic}? (only when true).
 *
 * <p>Made by {@link FrameList} when a frame is read (the sender writing a batch, a test), not kept: a queued
 * {@code $exception} holds its frames as columns. A map of fixed fields rather than a {@link java.util.LinkedHashMap}
 * so that reading one costs a single small object.
 */
final class FrameMap extends AbstractMap<String, Object> {

    private static final String[] KEYS = {"platform", "module", "function", "filename", "lineno", "in_app",
            "method_synthetic"};
    private static final int FILENAME = 3;
    private static final int LINENO = 4;
    private static final int SYNTHETIC = 6;

    private final String module;
    private final String function;
    /** {@code null}: unknown. */
    private final String filename;
    /** Negative: unknown. */
    private final int lineno;
    private final boolean inApp;
    private final boolean synthetic;

    FrameMap(String module, String function, String filename, int lineno, boolean inApp, boolean synthetic) {
        this.module = module;
        this.function = function;
        this.filename = filename;
        this.lineno = lineno;
        this.inApp = inApp;
        this.synthetic = synthetic;
    }

    private boolean present(int slot) {
        return switch (slot) {
            case FILENAME -> filename != null;
            case LINENO -> lineno >= 0;
            case SYNTHETIC -> synthetic;
            default -> true;
        };
    }

    private Object value(int slot) {
        return switch (slot) {
            case 0 -> "java";
            case 1 -> module;
            case 2 -> function;
            case FILENAME -> filename;
            case LINENO -> lineno;
            case 5 -> inApp;
            default -> Boolean.TRUE; // method_synthetic, present only when true
        };
    }

    private static int slotOf(Object key) {
        for (int slot = 0; slot < KEYS.length; slot++) {
            if (KEYS[slot].equals(key)) {
                return slot;
            }
        }
        return -1;
    }

    @Override
    public int size() {
        int size = 0;
        for (int slot = 0; slot < KEYS.length; slot++) {
            if (present(slot)) {
                size++;
            }
        }
        return size;
    }

    @Override
    public Object get(Object key) {
        int slot = slotOf(key);
        return slot >= 0 && present(slot) ? value(slot) : null;
    }

    @Override
    public boolean containsKey(Object key) {
        int slot = slotOf(key);
        return slot >= 0 && present(slot);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return FrameMap.this.size();
            }

            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next = advance(0);

                    private int advance(int from) {
                        int slot = from;
                        while (slot < KEYS.length && !present(slot)) {
                            slot++;
                        }
                        return slot;
                    }

                    @Override
                    public boolean hasNext() {
                        return next < KEYS.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= KEYS.length) {
                            throw new NoSuchElementException();
                        }
                        int slot = next;
                        next = advance(slot + 1);
                        return new SimpleImmutableEntry<>(KEYS[slot], value(slot));
                    }
                };
            }
        };
    }
}
