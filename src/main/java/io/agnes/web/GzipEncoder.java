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
    /**
     * Input a fresh deflater is not given yet: a page's head before a {@link Deflated} piece (Agnes' are ~230 bytes)
     * then goes out as a stored block, instead of a deflate block of its own ended by the full flush (Huffman trees
     * built for a few hundred bytes, the hash reset) on every page: ~25 µs of request-thread CPU saved per gzip page
     * for ~30 more bytes on the wire (docs/performance.md). A larger limit would store more bytes uncompressed for
     * no more CPU saved.
     */
    static final int STAGE_LIMIT = 512;

    /** Magic, deflate, no flags, no modification time, no extra flags, OS "unknown". */
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    private static final int TRAILER_SIZE = 8;

    private final OutputStream sink;
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final CRC32 crc = new CRC32();
    private final byte[] out = new byte[BUFFER_SIZE];
    private int count;
    /** The first bytes of the body, or those after a piece, while the deflater has been given nothing (see STAGE_LIMIT). */
    private byte[] staged;
    private int stagedCount;
    /** The deflater has been given input: a piece after it needs the full flush. */
    private boolean deflaterFed;
    /** Input that reached the body as {@link Deflated} pieces or stored blocks, not through the deflater (for ISIZE). */
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
        if (!deflaterFed && stagedCount + length <= STAGE_LIMIT) {
            if (staged == null) {
                staged = new byte[STAGE_LIMIT];
            }
            System.arraycopy(bytes, offset, staged, stagedCount, length);
            stagedCount += length;
            return;
        }
        feedStaged();
        feed(bytes, offset, length);
    }

    private void feed(byte[] bytes, int offset, int length) throws IOException {
        deflater.setInput(bytes, offset, length);
        while (!deflater.needsInput()) { // the deflater has copied all of it into its window: the array is free again
            deflate(Deflater.NO_FLUSH);
        }
        deflaterFed = true;
        unflushedInput = true;
    }

    private void feedStaged() throws IOException {
        if (stagedCount > 0) {
            int length = stagedCount;
            stagedCount = 0;
            feed(staged, 0, length);
        }
    }

    /**
     * Writes {@code piece}'s bytes as its deflate form, compressed once for many responses. Before it, what the
     * deflater has not been given yet goes out as a stored block; what it has been given ends with a full flush,
     * which also resets its history: what follows must not refer back into bytes this deflater never saw. Pieces in
     * a row cost that flush once (zlib ignores a second flush with no input since the first): write them together.
     */
    void writeDeflated(Deflated piece) throws IOException {
        byte[] bytes = piece.bytes();
        if (bytes.length == 0) {
            return;
        }
        if (deflaterFed) {
            while (deflate(Deflater.FULL_FLUSH) == 0) {
                // deflate(..) drained a full buffer
            }
        } else if (stagedCount > 0) {
            writeStoredBlock();
        }
        crc.update(bytes, 0, bytes.length);
        bytesBesideDeflater += bytes.length;
        byte[] deflated = piece.deflated();
        append(deflated, deflated.length);
        unflushedInput = false; // the piece ends in a sync flush: all of it is decodable
    }

    /** Everything written so far becomes decodable by the client (a SYNC_FLUSH block), then the sink is flushed. */
    void flush() throws IOException {
        feedStaged(); // not stored: a stream of small flushed writes (Server-Sent Events) is to be compressed
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
            feedStaged();
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

    /**
     * The staged bytes as a non-final stored block (RFC 1951 3.2.4). The stream is at a byte boundary here: the
     * deflater has produced nothing yet, and pieces (all that came before) end byte-aligned.
     */
    private void writeStoredBlock() throws IOException {
        int length = stagedCount;
        stagedCount = 0;
        if (out.length - count < 5) {
            drain();
        }
        out[count++] = 0; // BFINAL 0, BTYPE 00 (stored), then padding to the byte boundary
        out[count++] = (byte) length;
        out[count++] = (byte) (length >>> 8);
        out[count++] = (byte) ~length;
        out[count++] = (byte) (~length >>> 8);
        append(staged, length);
        bytesBesideDeflater += length;
    }

    /** Bytes already in their final form, through the buffer. */
    private void append(byte[] bytes, int length) throws IOException {
        for (int offset = 0; offset < length; ) {
            int n = Math.min(out.length - count, length - offset);
            System.arraycopy(bytes, offset, out, count, n);
            count += n;
            offset += n;
            if (count == out.length) {
                drain();
            }
        }
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
