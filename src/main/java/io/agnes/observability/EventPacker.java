package io.agnes.observability;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Turns a serialized batch item into its compressed form and back, for events that wait while PostHog fails.
 *
 * <p>Why: a queued {@code $exception} held as objects is ~4–5 KB in ~60 objects (maps, lists, a stack trace's
 * columns), and a full backlog of 10,000 of them is ~600,000 objects every concurrent marking of the collector has
 * to trace, for as long as the outage lasts, taking CPU from the request threads (docs/performance.md, "(c): the
 * backlog"). Its JSON is 10–30 KB but very repetitive (a stack trace's package names): compressed it is 0.6–2 KB in
 * one array the collector does not look into. Compressing costs the sender ~10–30 µs per event, once; the request
 * threads nothing.
 *
 * <p>zlib format rather than raw deflate: its checksum catches a packing bug as an error (the event is counted as
 * dropped) instead of sending PostHog damaged JSON. Owned by the sender thread (a {@link Deflater} is not
 * thread-safe); {@link #close} frees the native memory.
 */
final class EventPacker implements AutoCloseable {

    private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    private final Inflater inflater = new Inflater();
    private byte[] buffer = new byte[16 * 1024];

    /** The batch item compressed. */
    PackedEvent pack(byte[] item) {
        deflater.reset();
        deflater.setInput(item);
        deflater.finish();
        int length = 0;
        while (!deflater.finished()) {
            if (length == buffer.length) {
                buffer = Arrays.copyOf(buffer, buffer.length * 2);
            }
            length += deflater.deflate(buffer, length, buffer.length - length);
        }
        return new PackedEvent(Arrays.copyOf(buffer, length), item.length);
    }

    /** The batch item again, exactly as it was packed. */
    byte[] unpack(PackedEvent packed) {
        inflater.reset();
        inflater.setInput(packed.compressed());
        byte[] item = new byte[packed.length()];
        try {
            int length = 0;
            while (length < item.length && !inflater.finished()) {
                int n = inflater.inflate(item, length, item.length - length);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                length += n;
            }
            if (length != item.length || !inflater.finished()) {
                throw new IllegalStateException("a packed event of " + packed.length() + " bytes unpacked to "
                        + length + (inflater.finished() ? "" : " and more"));
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException("a packed event is damaged: " + e.getMessage(), e);
        }
        return item;
    }

    @Override
    public void close() {
        deflater.end();
        inflater.end();
    }

    /**
     * A serialized batch item, compressed: it already fits PostHog's limits.
     *
     * @param compressed the item in zlib format
     * @param length     the item's length uncompressed, in bytes
     */
    record PackedEvent(byte[] compressed, int length) {
    }
}
