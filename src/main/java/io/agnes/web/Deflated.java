package io.agnes.web;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * Bytes written into many responses (the PostHog snippet's shared part) together with their raw deflate form,
 * compressed once: a gzip body takes the compressed form as it is instead of deflating the same bytes for every
 * page ({@link DeflatedSink}). The form is self-contained (it refers to nothing before it) and ends in a sync flush
 * (byte-aligned, not final), so it can stand anywhere in a deflate stream whose history was reset before it.
 */
public final class Deflated {

    private final byte[] bytes;
    private final byte[] deflated;

    private Deflated(byte[] bytes, byte[] deflated) {
        this.bytes = bytes;
        this.deflated = deflated;
    }

    /** {@code bytes} (not copied: the caller hands them over) with their deflate form, compressed now. */
    public static Deflated of(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        try {
            deflater.setInput(bytes);
            ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 2 + 64);
            byte[] buffer = new byte[4096];
            int n;
            do {
                n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                out.write(buffer, 0, n);
            } while (n == buffer.length); // a full buffer: the flush may not be complete yet
            return new Deflated(bytes, out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    /** The bytes themselves; do not modify. */
    public byte[] bytes() {
        return bytes;
    }

    /** Their raw deflate form; do not modify. */
    byte[] deflated() {
        return deflated;
    }
}
