package io.agnes.observability;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * One stack frame's fields as an immutable, insertion-ordered map held in two exact-size arrays. A queued
 * {@code $exception} holds up to {@value ExceptionProperties#MAX_FRAMES} frames per exception for as long as PostHog
 * does not take it: as {@link java.util.LinkedHashMap}s those cost about 0.4 KB each, and one exception with 100
 * frames held 40 KB (a full backlog of 10,000: 400 MB of heap; docs/performance.md, "Faults"). In this map the
 * same exception holds 13 KB.
 */
final class FrameMap extends AbstractMap<String, Object> {

    private final String[] keys;
    private final Object[] values;

    /** @param keysAndValues key, value, key, value… (keys distinct; the caller guarantees it) */
    FrameMap(Object[] keysAndValues, int length) {
        keys = new String[length / 2];
        values = new Object[length / 2];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = (String) keysAndValues[2 * i];
            values[i] = keysAndValues[2 * i + 1];
        }
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public Object get(Object key) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i].equals(key)) {
                return values[i];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(Object key) {
        return Arrays.asList(keys).contains(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public int size() {
                return keys.length;
            }

            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < keys.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }
        };
    }
}
