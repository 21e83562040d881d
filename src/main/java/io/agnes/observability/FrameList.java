package io.agnes.observability;

import java.util.AbstractList;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * An exception's stack frames as PostHog reads them: an immutable list of {@link FrameMap}s, entry point first.
 *
 * <p>Held as columns (one array per field), not as one object per frame; a frame's map is made when it is read, by
 * the sender as it writes the batch. While PostHog is down, a full backlog holds 10,000 {@code $exception}s, and
 * with one object per frame that was 788,000 objects, well over half of the 1.34 million the backlog added, which
 * every concurrent marking of the collector has to visit: measured, every request paid ~9 % more CPU during the
 * outage (docs/performance.md, "What was changed"). As columns a trace is six objects, however many frames it has.
 */
final class FrameList extends AbstractList<Map<String, Object>> implements RandomAccess {

    private static final byte IN_APP = 1;
    private static final byte SYNTHETIC = 2;

    private final String[] modules;
    private final String[] functions;
    /** {@code null} entries: unknown. */
    private final String[] filenames;
    /** Negative entries: unknown. */
    private final int[] linenos;
    private final byte[] flags;
    private int size;

    FrameList(int capacity) {
        modules = new String[capacity];
        functions = new String[capacity];
        filenames = new String[capacity];
        linenos = new int[capacity];
        flags = new byte[capacity];
    }

    /** While the list is built, before anyone else sees it. */
    void append(String module, String function, String filename, int lineno, boolean inApp, boolean synthetic) {
        int i = size++;
        modules[i] = module;
        functions[i] = function;
        filenames[i] = filename;
        linenos[i] = lineno;
        flags[i] = (byte) ((inApp ? IN_APP : 0) | (synthetic ? SYNTHETIC : 0));
    }

    @Override
    public Map<String, Object> get(int index) {
        Objects.checkIndex(index, size);
        return new FrameMap(modules[index], functions[index], filenames[index], linenos[index],
                (flags[index] & IN_APP) != 0, (flags[index] & SYNTHETIC) != 0);
    }

    @Override
    public int size() {
        return size;
    }
}
