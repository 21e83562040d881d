package io.agnes.web;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The gzip format (RFC 1952) over a raw {@link Deflater}, written to a sink through one fixed 8 KB buffer.
 *
 * <p>Not {@code java.util.zip.GZIPOutputStream}: that class releases its deflater only in {@code close()}, which
 * also closes the sink, and a response stream must stay open for the container. Here {@link #end()} releases the
 * native memory on its own, is idempotent, and {@link #finish()} always calls it, also when the client is gone.
 * Not thread-safe, like the servlet streams it serves.
 */
final class GzipEncoder {

    static final int BUFFER_SIZE = 8192;

    /** Magic, deflate, no flags, no modification time, no extra flags, OS "unknown". */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int TRAILER_SIZE = 8;

    private final OutputStream sink;
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final CRC32 crc = new CRC32();
    private final byte[] out = new byte[BUFFER_SIZE];
    private int count;
    /** Input that reached the body as {@link Deflated} pieces, not through the deflater (for ISIZE). */
    private long bytesBesideDeflater;
    /** Input was given to the deflater since the last flush: a sync flush has something to push. */
    private boolean unflushedInput;
    private boolean ended;

    /** The gzip header is only buffered here: nothing reaches the sink before the first drain. */
    GzipEncoder(OutputStream sink) {
        this.sink = sink;
        System.arraycopy(HEADER, 0, out, 0, HEADER.length);
        count = HEADER.length;
    }

    void write(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        crc.update(bytes, offset, length);
        deflater.setInput(bytes, offset, length);
        while (!deflater.needsInput()) {
            deflate(Deflater.NO_FLUSH);
        }
        unflushedInput = true;
    }

    /**
     * Writes {@code piece}'s bytes as its deflate form, compressed once for many responses. A full flush before it
     * resets the deflater's history: what follows must not refer back into bytes this deflater never saw. Pieces in
     * a row cost that flush once (zlib ignores a second flush with no input since the first): write them together.
     */
    void writeDeflated(Deflated piece) throws IOException {
        byte[] bytes = piece.bytes();
        if (bytes.length == 0) {
            return;
        }
        while (deflate(Deflater.FULL_FLUSH) == 0) {
            // deflate(..) drained a full buffer
        }
        crc.update(bytes, 0, bytes.length);
        bytesBesideDeflater += bytes.length;
        byte[] deflated = piece.deflated();
        for (int offset = 0; offset < deflated.length; ) {
            int length = Math.min(out.length - count, deflated.length - offset);
            System.arraycopy(deflated, offset, out, count, length);
            count += length;
            offset += length;
            if (count == out.length) {
                drain();
            }
        }
        unflushedInput = false; // the piece ends in a sync flush: all of it is decodable
    }

    /** Everything written so far becomes decodable by the client (a SYNC_FLUSH block), then the sink is flushed. */
    void flush() throws IOException {
        if (unflushedInput) {
            // a full output buffer means the deflater may hold more of the flush: drain and ask again
            while (deflate(Deflater.SYNC_FLUSH) == 0) {
                // deflate(..) drained a full buffer
            }
            unflushedInput = false;
        }
        drain();
        sink.flush();
    }

    /** Writes the last block and the trailer (CRC and length); the deflater is released whatever happens. */
    void finish() throws IOException {
        try {
            deflater.finish();
            while (!deflater.finished()) {
                deflate(Deflater.NO_FLUSH);
            }
            if (out.length - count < TRAILER_SIZE) {
                drain();
            }
            writeIntLittleEndian((int) crc.getValue());
            // ISIZE is the input length modulo 2^32
            writeIntLittleEndian((int) (deflater.getBytesRead() + bytesBesideDeflater));
            drain();
        } finally {
            end();
        }
    }

    /** Releases the deflater's native memory; safe to call more than once. */
    void end() {
        if (!ended) {
            ended = true;
            deflater.end();
        }
    }

    boolean isEnded() {
        return ended;
    }

    /** @return the free space left in the buffer after this call; 0 means it was full and has been drained */
    private int deflate(int flushMode) throws IOException {
        count += deflater.deflate(out, count, out.length - count, flushMode);
        if (count == out.length) {
            drain();
            return 0;
        }
        return out.length - count;
    }

    private void writeIntLittleEndian(int value) {
        out[count++] = (byte) value;
        out[count++] = (byte) (value >>> 8);
        out[count++] = (byte) (value >>> 16);
        out[count++] = (byte) (value >>> 24);
    }

    private void drain() throws IOException {
        if (count > 0) {
            int length = count;
            count = 0; // a failing sink must not see these bytes again on the next call
            sink.write(out, 0, length);
        }
    }
}
