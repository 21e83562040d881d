package io.agnes.observability;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import java.io.IOException;
import java.util.Objects;

/**
 * The stream an application writes a page's bytes to through {@link InjectionResponse#getOutputStream()}: while the
 * response still looks at what is written, each write goes through its scan for {@code </head>}; after that,
 * straight to the container's stream. Never keeps the application's array past a write.
 */
final class InjectionBodyStream extends ServletOutputStream {

    private final InjectionResponse response;

    private final byte[] single = new byte[1];
    private byte[] bytes;

    private final HeadScan.Units units = new HeadScan.Units() {
        @Override
        public int at(int index) {
            return bytes[index] & 0xFF;
        }

        @Override
        public int nextMatchStart(int from, int to) {
            return StreamingHeadMatcher.nextMatchStart(bytes, from, to);
        }

        @Override
        public void emit(int from, int to) throws IOException {
            if (to > from) {
                response.containerStream().write(bytes, from, to - from);
            }
        }
    };

    InjectionBodyStream(InjectionResponse response) {
        this.response = response;
    }

    @Override
    public void write(int b) throws IOException {
        single[0] = (byte) b;
        write(single, 0, 1);
    }

    @Override
    public void write(byte[] source, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, source.length);
        if (!response.scansWrites()) {
            response.containerStream().write(source, offset, length); // decided: nothing to look at any more
            return;
        }
        bytes = source;
        try {
            response.write(units, offset, offset + length);
        } finally {
            bytes = null; // never keep the application's array
        }
    }

    /** Everything but the look-behind window is already with the container: its flush is the flush. */
    @Override
    public void flush() throws IOException {
        response.containerStream().flush();
    }

    @Override
    public void close() throws IOException {
        response.endBody();
        response.containerStream().close();
    }

    @Override
    public boolean isReady() {
        try {
            return response.containerStream().isReady();
        } catch (IOException e) {
            return false;
        }
    }

    /** Non-blocking output passes through untouched ({@link InjectionResponse#passNonBlocking()}). */
    @Override
    public void setWriteListener(WriteListener listener) {
        try {
            response.passNonBlocking();
            response.containerStream().setWriteListener(listener);
        } catch (IOException e) {
            throw new IllegalStateException("could not switch to non-blocking output", e);
        }
    }
}
