package io.agnes.observability;

import java.io.IOException;
import java.io.Writer;
import java.util.Objects;

/**
 * What the application's PrintWriter (from {@link InjectionResponse#getWriter()}) writes chars to: while the response
 * still looks at what is written, each write goes through its scan for {@code </head>}; after that, straight to the
 * container's writer, which encodes them.
 */
final class InjectionBodyWriter extends Writer {

    private final InjectionResponse response;

    private char[] chars;
    private String text;

    private final HeadScan.Units charUnits = new HeadScan.Units() {
        @Override
        public int at(int index) {
            return chars[index];
        }

        @Override
        public int nextMatchStart(int from, int to) {
            return StreamingHeadMatcher.nextMatchStart(chars, from, to);
        }

        @Override
        public void emit(int from, int to) throws IOException {
            if (to > from) {
                response.containerWriter().write(chars, from, to - from);
            }
        }
    };

    private final HeadScan.Units textUnits = new HeadScan.Units() {
        @Override
        public int at(int index) {
            return text.charAt(index);
        }

        @Override
        public int nextMatchStart(int from, int to) {
            return StreamingHeadMatcher.nextMatchStart(text, from, to);
        }

        @Override
        public void emit(int from, int to) throws IOException {
            if (to > from) {
                response.containerWriter().write(text, from, to - from);
            }
        }
    };

    InjectionBodyWriter(InjectionResponse response) {
        this.response = response;
    }

    @Override
    public void write(int c) throws IOException {
        write(new char[] {(char) c}, 0, 1);
    }

    @Override
    public void write(char[] source, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, source.length);
        if (!response.scansWrites()) {
            response.containerWriter().write(source, offset, length);
            return;
        }
        chars = source;
        try {
            response.write(charUnits, offset, offset + length);
        } finally {
            chars = null;
        }
    }

    @Override
    public void write(String source, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, source.length());
        if (!response.scansWrites()) {
            response.containerWriter().write(source, offset, length);
            return;
        }
        text = source;
        try {
            response.write(textUnits, offset, offset + length);
        } finally {
            text = null;
        }
    }

    @Override
    public void flush() throws IOException {
        response.containerWriter().flush();
    }

    @Override
    public void close() throws IOException {
        response.endBody();
        response.containerWriter().close();
    }
}
