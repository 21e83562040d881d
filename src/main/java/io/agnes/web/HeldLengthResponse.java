package io.agnes.web;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A response wrapper that rewrites the body (compression, snippet injection) and therefore decides the
 * {@code Content-Length} itself: every way of setting it ends in {@link #setContentLengthLong}, and inner layers
 * read back the headers as they set them through {@link #innerView}, whatever went to the wire.
 */
public abstract class HeldLengthResponse extends HttpServletResponseWrapper {

    protected static final String CONTENT_LENGTH = "Content-Length";

    protected HeldLengthResponse(HttpServletResponse response) {
        super(response);
    }

    /**
     * The values of header {@code name} as the application set them, where this wrapper changes them on the wire
     * (an empty collection: absent); {@code null} for headers the wrapper leaves alone.
     */
    protected abstract Collection<String> innerView(String name);

    @Override
    public void setContentLength(int length) {
        setContentLengthLong(length);
    }

    @Override
    public void addHeader(String name, String value) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
            if (value != null) {
                setContentLengthLong(parseLength(value));
            }
        } else {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
            setContentLengthLong(value);
        } else {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
            setContentLengthLong(value);
        } else {
            super.addIntHeader(name, value);
        }
    }

    @Override
    public boolean containsHeader(String name) {
        Collection<String> own = innerView(name);
        return own != null ? !own.isEmpty() : super.containsHeader(name);
    }

    @Override
    public String getHeader(String name) {
        Collection<String> own = innerView(name);
        return own != null ? own.stream().findFirst().orElse(null) : super.getHeader(name);
    }

    @Override
    public Collection<String> getHeaders(String name) {
        Collection<String> own = innerView(name);
        return own != null ? own : super.getHeaders(name);
    }

    @Override
    public Collection<String> getHeaderNames() {
        List<String> names = new ArrayList<>();
        for (String name : super.getHeaderNames()) {
            Collection<String> own = innerView(name);
            if (own == null || !own.isEmpty()) {
                names.add(name);
            }
        }
        if (names.stream().noneMatch(CONTENT_LENGTH::equalsIgnoreCase) && containsHeader(CONTENT_LENGTH)) {
            names.add(CONTENT_LENGTH);
        }
        return names;
    }

    protected static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException notALength) {
            return -1; // like a missing length: the container frames the body itself
        }
    }
}
