package io.agnes.observability;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmarks' container response: copies every byte into an 8 KB buffer like Payara's, "sends" it by
 * forgetting it when full (the response then counts as committed), and keeps the headers. Unlike the test double
 * {@code InMemoryResponse} it does not keep the body, so the allocation measured is the injector's, not a
 * 10 MB {@code ByteArrayOutputStream}'s.
 */
final class CountingSinkResponse implements HttpServletResponse {

    static final int BUFFER_SIZE = 8192;

    private final byte[] buffer = new byte[BUFFER_SIZE];
    private int buffered;
    private long sent;
    private boolean committed;
    private int status = SC_OK;
    private String contentType;
    private String characterEncoding = "UTF-8";
    private long contentLength = -1;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private PrintWriter writer;

    private final ServletOutputStream stream = new ServletOutputStream() {
        @Override
        public void write(int b) {
            if (buffered == BUFFER_SIZE) {
                send();
            }
            buffer[buffered++] = (byte) b;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            while (length > 0) {
                if (buffered == BUFFER_SIZE) {
                    send();
                }
                int n = Math.min(length, BUFFER_SIZE - buffered);
                System.arraycopy(bytes, offset, buffer, buffered, n);
                buffered += n;
                offset += n;
                length -= n;
            }
        }

        @Override
        public void flush() {
            send();
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new UnsupportedOperationException();
        }
    };

    private void send() {
        sent += buffered;
        buffered = 0;
        committed = true;
    }

    /** Every byte of the body, sent or still buffered. */
    long bodyLength() {
        if (writer != null) {
            writer.flush();
        }
        return sent + buffered;
    }

    @Override public ServletOutputStream getOutputStream() { return stream; }

    @Override
    public PrintWriter getWriter() {
        if (writer == null) {
            writer = new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
        }
        return writer;
    }

    @Override public void addCookie(Cookie cookie) { }
    @Override public boolean containsHeader(String name) { return headers.containsKey(name.toLowerCase(Locale.ROOT)); }
    @Override public String encodeURL(String url) { return url; }
    @Override public String encodeRedirectURL(String url) { return url; }
    @Override public void sendError(int sc, String msg) { status = sc; committed = true; }
    @Override public void sendError(int sc) { status = sc; committed = true; }
    @Override public void sendRedirect(String location) { status = SC_FOUND; committed = true; }
    @Override public void sendRedirect(String location, int sc, boolean clearBuffer) { status = sc; committed = true; }
    @Override public void setDateHeader(String name, long date) { setHeader(name, Long.toString(date)); }
    @Override public void addDateHeader(String name, long date) { addHeader(name, Long.toString(date)); }

    @Override
    public void setHeader(String name, String value) {
        if (committed || value == null) {
            return;
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (key.equals("content-type")) {
            setContentType(value);
        } else if (key.equals("content-length")) {
            setContentLengthLong(Long.parseLong(value));
        } else {
            List<String> values = new ArrayList<>(1);
            values.add(value);
            headers.put(key, values);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (!committed && value != null) {
            headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(value);
        }
    }

    @Override public void setIntHeader(String name, int value) { setHeader(name, Integer.toString(value)); }
    @Override public void addIntHeader(String name, int value) { addHeader(name, Integer.toString(value)); }
    @Override public void setStatus(int sc) { if (!committed) status = sc; }
    @Override public int getStatus() { return status; }

    @Override
    public String getHeader(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        if (key.equals("content-type")) {
            return getContentType();
        }
        if (key.equals("content-length")) {
            return contentLength < 0 ? null : Long.toString(contentLength);
        }
        List<String> values = headers.get(key);
        return values == null ? null : values.get(0);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        String value = getHeader(name);
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values != null ? List.copyOf(values) : value == null ? List.of() : List.of(value);
    }

    @Override public Collection<String> getHeaderNames() { return List.copyOf(headers.keySet()); }
    @Override public String getCharacterEncoding() { return characterEncoding; }
    @Override public String getContentType() { return contentType == null ? null : contentType + ";charset=" + characterEncoding; }
    @Override public void setCharacterEncoding(String charset) { if (!committed) characterEncoding = charset; }
    @Override public void setContentLength(int len) { setContentLengthLong(len); }
    @Override public void setContentLengthLong(long len) { if (!committed) contentLength = len; }

    @Override
    public void setContentType(String type) {
        if (committed || type == null) {
            return;
        }
        int semicolon = type.indexOf(';');
        contentType = semicolon < 0 ? type.trim() : type.substring(0, semicolon).trim();
        int charset = type.toLowerCase(Locale.ROOT).indexOf("charset=");
        if (charset >= 0) {
            characterEncoding = type.substring(charset + 8).trim();
        }
    }

    @Override public void setBufferSize(int size) { }
    @Override public int getBufferSize() { return BUFFER_SIZE; }
    @Override public void flushBuffer() { send(); }
    @Override public void resetBuffer() { if (committed) throw new IllegalStateException("committed"); buffered = 0; }
    @Override public boolean isCommitted() { return committed; }
    @Override public void reset() { resetBuffer(); headers.clear(); status = SC_OK; contentType = null; contentLength = -1; }
    @Override public void setLocale(Locale locale) { }
    @Override public Locale getLocale() { return Locale.ROOT; }
}
