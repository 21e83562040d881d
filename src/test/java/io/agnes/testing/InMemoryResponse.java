package io.agnes.testing;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * An {@link HttpServletResponse} held in memory that follows the container rules filters depend on, so a filter
 * test sees what a client would see:
 * <ul>
 *   <li>a buffer of {@link #getBufferSize()} bytes (8 KB like Payara/Tomcat): the response commits when it
 *       overflows, on {@link #flushBuffer()}, on a flush or close of the stream or writer, and when the declared
 *       Content-Length has been written. {@link #sentBytes()} is what reached the client so far,
 *       {@link #body()} what it has at the end (sent plus still buffered);</li>
 *   <li>once committed, status and header changes are ignored (the container sends them with the first byte),
 *       and reset()/resetBuffer()/setBufferSize() throw IllegalStateException;</li>
 *   <li>headers are case-insensitive and multi-valued; Content-Type and Content-Length are the same state as
 *       setContentType/setContentLength ({@code setContentLengthLong(-1)} makes the length unknown again);</li>
 *   <li>like Payara 7.2025.1, and unlike the Servlet 6.1 text, {@code setHeader(name, null)} is ignored: no
 *       header can be removed once set, so code that might take a header back must not set it early;</li>
 *   <li>the character encoding defaults to ISO-8859-1; getWriter() fixes it (later setCharacterEncoding and
 *       the charset of setContentType are ignored) and adds it to the content type;</li>
 *   <li>getWriter() and getOutputStream() exclude each other until reset();</li>
 *   <li>sendError/sendRedirect clear the buffer (unless told not to), and the response counts as committed
 *       until the container renders its error page: {@link #prepareErrorPage()} plays that part.</li>
 * </ul>
 * Not simulated: locale-to-charset mappings, the hypertext note of sendRedirect, trailer sending, URL encoding
 * (the identity). Not thread-safe, like a container response.
 */
public class InMemoryResponse implements HttpServletResponse {

    public static final int DEFAULT_BUFFER_SIZE = 8192;
    private static final String DEFAULT_CHARSET = StandardCharsets.ISO_8859_1.name();

    private enum Output { NONE, STREAM, WRITER }

    private int status = SC_OK;
    private final Map<String, List<String>> headers = new LinkedHashMap<>(); // lower-case name -> values
    private final Map<String, String> headerNames = new LinkedHashMap<>(); // lower-case name -> name as set
    private final List<Cookie> cookies = new ArrayList<>();
    private String mimeType; // Content-Type without charset
    private String charset; // explicitly set, or fixed by getWriter()
    private Locale locale = Locale.getDefault();
    private long contentLength = -1;
    private Supplier<Map<String, String>> trailerFields;

    private int bufferSize = DEFAULT_BUFFER_SIZE;
    private final ByteArrayOutputStream buffered = new ByteArrayOutputStream();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private long written;
    private boolean committed;
    private boolean closed;
    /** After sendError/sendRedirect: writes are ignored and the response counts as committed. */
    private boolean suspended;
    private boolean errorSent;
    private String errorMessage;
    private int flushCount;

    private Output output = Output.NONE;
    private final Stream stream = new Stream();
    private ReplaceableEncoder encoder;
    private PrintWriter writer;
    private WriteListener writeListener;

    // --- what the client received -----------------------------------------------------------------------------

    /** The whole body the client gets: what was sent plus what is still buffered (sent at completion). */
    public byte[] body() {
        drainWriter();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(sent.toByteArray());
        all.writeBytes(buffered.toByteArray());
        return all.toByteArray();
    }

    /** The body decoded with the response's character encoding. */
    public String bodyText() {
        return new String(body(), Charset.forName(getCharacterEncoding()));
    }

    /** Only the bytes that have left the buffer: what the client has received so far. */
    public byte[] sentBytes() {
        return sent.toByteArray();
    }

    /** How often the buffer was pushed to the client (flushes, overflows and the final close). */
    public int flushCount() {
        return flushCount;
    }

    public boolean isClosed() {
        return closed;
    }

    public boolean isErrorSent() {
        return errorSent;
    }

    public String getErrorMessage() {
        return errorMessage;
    }

    /** The header values as the client gets them; includes Content-Type and Content-Length. */
    public List<String> headerValues(String name) {
        return List.copyOf(getHeaders(name));
    }

    public List<Cookie> cookies() {
        return List.copyOf(cookies);
    }

    public WriteListener writeListener() {
        return writeListener;
    }

    /**
     * What the container does before it renders the error page for sendError (at an ERROR dispatch): the
     * response is writable again, with a fresh choice of writer or stream. Headers and status stay.
     */
    public void prepareErrorPage() {
        if (sent.size() > 0) {
            throw new IllegalStateException("the response was already sent; no error page can follow");
        }
        suspended = false;
        committed = false;
        closed = false;
        buffered.reset();
        written = 0;
        output = Output.NONE;
        writer = null;
        encoder = null;
    }

    /** What the container does when the request is over: everything still buffered goes out and the stream closes. */
    public void complete() {
        drainWriter();
        commitAndSend();
        closed = true;
    }

    // --- status and headers -------------------------------------------------------------------------------------

    @Override
    public void setStatus(int status) {
        if (!isCommitted()) {
            this.status = status;
        }
    }

    @Override
    public int getStatus() {
        return status;
    }

    @Override
    public void setHeader(String name, String value) {
        if (name == null || isCommitted()) {
            return;
        }
        if (value == null) {
            return; // Payara 7.2025.1 returns here too; Servlet 6.1 would remove the header
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "content-type" -> setContentType(value);
            case "content-length" -> setContentLengthLong(parseLength(value));
            default -> {
                String key = name.toLowerCase(Locale.ROOT);
                headers.remove(key);
                headerNames.remove(key);
                addHeader(name, value);
            }
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (name == null || value == null || isCommitted()) {
            return;
        }
        switch (name.toLowerCase(Locale.ROOT)) {
            case "content-type" -> setContentType(value);
            case "content-length" -> setContentLengthLong(parseLength(value));
            default -> {
                String key = name.toLowerCase(Locale.ROOT);
                headerNames.putIfAbsent(key, name);
                headers.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        setHeader(name, Integer.toString(value));
    }

    @Override
    public void addIntHeader(String name, int value) {
        addHeader(name, Integer.toString(value));
    }

    @Override
    public void setDateHeader(String name, long date) {
        setHeader(name, httpDate(date));
    }

    @Override
    public void addDateHeader(String name, long date) {
        addHeader(name, httpDate(date));
    }

    @Override
    public boolean containsHeader(String name) {
        return getHeader(name) != null;
    }

    @Override
    public String getHeader(String name) {
        Collection<String> values = getHeaders(name);
        return values.isEmpty() ? null : values.iterator().next();
    }

    @Override
    public Collection<String> getHeaders(String name) {
        if (name == null) {
            return List.of();
        }
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "content-type" -> getContentType() == null ? List.of() : List.of(getContentType());
            case "content-length" -> contentLength < 0 ? List.of() : List.of(Long.toString(contentLength));
            default -> List.copyOf(headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
        };
    }

    @Override
    public Collection<String> getHeaderNames() {
        List<String> names = new ArrayList<>(headerNames.values());
        if (getContentType() != null) {
            names.add("Content-Type");
        }
        if (contentLength >= 0) {
            names.add("Content-Length");
        }
        return names;
    }

    @Override
    public void addCookie(Cookie cookie) {
        if (!isCommitted()) {
            cookies.add(cookie);
        }
    }

    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        trailerFields = supplier;
    }

    @Override
    public Supplier<Map<String, String>> getTrailerFields() {
        return trailerFields;
    }

    // --- content type, charset, length --------------------------------------------------------------------------

    @Override
    public void setContentType(String type) {
        if (isCommitted()) {
            return;
        }
        if (type == null) {
            mimeType = null;
            if (output != Output.WRITER) {
                charset = null;
            }
            return;
        }
        String[] parts = type.split(";");
        StringBuilder mime = new StringBuilder(parts[0].trim());
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            if (parameter.regionMatches(true, 0, "charset=", 0, 8)) {
                if (output != Output.WRITER) {
                    charset = unquote(parameter.substring(8).trim());
                }
            } else if (!parameter.isEmpty()) {
                mime.append(';').append(parameter);
            }
        }
        mimeType = mime.toString();
    }

    @Override
    public String getContentType() {
        if (mimeType == null) {
            return null;
        }
        return charset == null ? mimeType : mimeType + ";charset=" + charset;
    }

    @Override
    public void setCharacterEncoding(String encoding) {
        if (!isCommitted() && output != Output.WRITER) {
            charset = encoding;
        }
    }

    @Override
    public String getCharacterEncoding() {
        return charset == null ? DEFAULT_CHARSET : charset;
    }

    @Override
    public void setLocale(Locale locale) {
        if (!isCommitted() && locale != null) {
            this.locale = locale;
        }
    }

    @Override
    public Locale getLocale() {
        return locale;
    }

    @Override
    public void setContentLength(int length) {
        setContentLengthLong(length);
    }

    @Override
    public void setContentLengthLong(long length) {
        if (!isCommitted()) {
            contentLength = length < 0 ? -1 : length;
        }
    }

    // --- body ---------------------------------------------------------------------------------------------------

    @Override
    public ServletOutputStream getOutputStream() {
        if (output == Output.WRITER) {
            throw new IllegalStateException("getWriter() has already been called for this response");
        }
        output = Output.STREAM;
        return stream;
    }

    @Override
    public PrintWriter getWriter() throws UnsupportedEncodingException {
        if (output == Output.STREAM) {
            throw new IllegalStateException("getOutputStream() has already been called for this response");
        }
        if (writer == null) {
            String encoding = getCharacterEncoding();
            Charset chosen;
            try {
                chosen = Charset.forName(encoding);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(encoding);
            }
            charset = encoding; // fixed from now on, and announced in the Content-Type
            output = Output.WRITER;
            encoder = new ReplaceableEncoder(chosen);
            writer = new PrintWriter(encoder);
        }
        return writer;
    }

    @Override
    public void setBufferSize(int size) {
        if (isCommitted() || buffered.size() > 0) {
            throw new IllegalStateException("setBufferSize() after content was written or the response committed");
        }
        bufferSize = size;
    }

    @Override
    public int getBufferSize() {
        return bufferSize;
    }

    @Override
    public void flushBuffer() {
        drainWriter();
        commitAndSend();
    }

    @Override
    public boolean isCommitted() {
        return committed || suspended;
    }

    @Override
    public void resetBuffer() {
        if (isCommitted()) {
            throw new IllegalStateException("resetBuffer() after the response was committed");
        }
        buffered.reset();
        written = 0;
        if (encoder != null) {
            encoder.discard();
        }
    }

    @Override
    public void reset() {
        if (isCommitted()) {
            throw new IllegalStateException("reset() after the response was committed");
        }
        buffered.reset();
        written = 0;
        status = SC_OK;
        headers.clear();
        headerNames.clear();
        cookies.clear();
        mimeType = null;
        charset = null;
        contentLength = -1;
        // Servlet 4+: the choice between getWriter() and getOutputStream() is cleared as well
        output = Output.NONE;
        writer = null;
        encoder = null;
    }

    // --- errors and redirects -----------------------------------------------------------------------------------

    @Override
    public void sendError(int status, String message) {
        if (isCommitted()) {
            throw new IllegalStateException("sendError() after the response was committed");
        }
        resetBuffer();
        this.status = status;
        this.errorMessage = message;
        this.errorSent = true;
        this.suspended = true;
    }

    @Override
    public void sendError(int status) {
        sendError(status, null);
    }

    @Override
    public void sendRedirect(String location, int status, boolean clearBuffer) {
        if (isCommitted()) {
            throw new IllegalStateException("sendRedirect() after the response was committed");
        }
        if (clearBuffer) {
            resetBuffer();
        }
        setHeader("Location", location);
        this.status = status;
        this.suspended = true;
    }

    @Override
    public String encodeURL(String url) {
        return url;
    }

    @Override
    public String encodeRedirectURL(String url) {
        return url;
    }

    // --- internals ----------------------------------------------------------------------------------------------

    private void write(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (closed || suspended || length == 0) {
            return; // like the containers: writes after close or sendError are dropped
        }
        if (buffered.size() + length > bufferSize) {
            commitAndSend();
            if (length > bufferSize) {
                sent.write(bytes, offset, length);
                flushCount++;
            } else {
                buffered.write(bytes, offset, length);
            }
        } else {
            buffered.write(bytes, offset, length);
        }
        written += length;
        if (contentLength > 0 && written >= contentLength) {
            // Servlet 5.7: the response is closed once the declared length has been written
            commitAndSend();
            closed = true;
        }
    }

    private void commitAndSend() {
        committed = true;
        if (buffered.size() > 0) {
            sent.writeBytes(buffered.toByteArray());
            buffered.reset();
        }
        flushCount++;
    }

    private void drainWriter() {
        if (encoder != null) {
            encoder.drain();
        }
    }

    /** Like Tomcat, an unreadable length is no length rather than an exception. */
    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String httpDate(long millis) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC));
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
    }

    private final class Stream extends ServletOutputStream {

        @Override
        public void write(int b) {
            InMemoryResponse.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            InMemoryResponse.this.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            if (!closed && !suspended) {
                commitAndSend();
            }
        }

        @Override
        public void close() {
            if (!closed && !suspended) {
                commitAndSend();
                closed = true;
            }
        }

        @Override
        public boolean isReady() {
            return true;
        }

        /** The in-memory "network" never blocks: the listener is told at once that it may write. */
        @Override
        public void setWriteListener(WriteListener listener) {
            if (writeListener != null) {
                throw new IllegalStateException("a WriteListener is already set");
            }
            writeListener = Objects.requireNonNull(listener);
            try {
                listener.onWritePossible();
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    }

    /**
     * The writer's encoder: its flush/close are the application's (they commit), drain() only moves encoded
     * bytes into the buffer, and discard() drops what resetBuffer() must forget.
     */
    private final class ReplaceableEncoder extends Writer {

        private final Charset charset;
        private OutputStreamWriter delegate;
        private final OutputStream intoBuffer = new OutputStream() {
            @Override
            public void write(int b) {
                InMemoryResponse.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                InMemoryResponse.this.write(bytes, offset, length);
            }
        };

        ReplaceableEncoder(Charset charset) {
            this.charset = charset;
        }

        private OutputStreamWriter delegate() {
            if (delegate == null) {
                delegate = new OutputStreamWriter(intoBuffer, charset);
            }
            return delegate;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            delegate().write(chars, offset, length);
        }

        @Override
        public void write(String text, int offset, int length) throws IOException {
            delegate().write(text, offset, length);
        }

        @Override
        public void flush() {
            drain();
            stream.flush();
        }

        @Override
        public void close() {
            drain();
            stream.close();
        }

        void drain() {
            if (delegate != null) {
                try {
                    delegate.flush();
                } catch (IOException inMemoryCannotFail) {
                    throw new IllegalStateException(inMemoryCannotFail);
                }
            }
        }

        void discard() {
            delegate = null;
        }
    }
}
