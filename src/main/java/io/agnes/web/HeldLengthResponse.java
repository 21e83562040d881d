package io.agnes.web;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A response wrapper that rewrites the body (compression, snippet injection). An error or a redirect replaces the
 * body, so the rewrite is abandoned before it. And it decides the {@code Content-Length} itself: every way of
 * setting it ends in {@link #setContentLengthLong}, and inner layers read back the headers as they set them through
 * {@link #innerView}, whatever went to the wire.
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

    /** Still rewriting this response: neither finished nor abandoned. */
    protected abstract boolean isActive();

    /** Gives the rewrite up: what is pending is forgotten and everything passes through untouched from now on. */
    protected abstract void abandon();

    /** The outermost wrapper of {@code type} in a chain of wrappers, or null. */
    protected static <T extends HeldLengthResponse> T findIn(ServletResponse response, Class<T> type) {
        ServletResponse current = response;
        while (current != null) {
            if (type.isInstance(current)) {
                return type.cast(current);
            }
            current = current instanceof ServletResponseWrapper wrapper ? wrapper.getResponse() : null;
        }
        return null;
    }

    /** Whether this wrapper ends in the same container response as {@code other} (not one of another request). */
    public boolean writesTo(ServletResponse other) {
        return innermost(getResponse()) == innermost(other);
    }

    private static ServletResponse innermost(ServletResponse response) {
        ServletResponse current = response;
        while (current instanceof ServletResponseWrapper wrapper) {
            current = wrapper.getResponse();
        }
        return current;
    }

    // --- errors and redirects replace the body, so the rewrite is given up before they pass through ------------

    @Override
    public void sendError(int status, String message) throws IOException {
        abandonBeforeCommit();
        super.sendError(status, message);
    }

    @Override
    public void sendError(int status) throws IOException {
        abandonBeforeCommit();
        super.sendError(status);
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        sendRedirect(location, SC_FOUND, true);
    }

    @Override
    public void sendRedirect(String location, int status) throws IOException {
        sendRedirect(location, status, true);
    }

    @Override
    public void sendRedirect(String location, boolean clearBuffer) throws IOException {
        sendRedirect(location, SC_FOUND, clearBuffer);
    }

    @Override
    public void sendRedirect(String location, int status, boolean clearBuffer) throws IOException {
        if (clearBuffer) {
            abandonBeforeCommit();
        }
        super.sendRedirect(location, status, clearBuffer);
    }

    /** When committed the container throws IllegalStateException; our state then stays as it was. */
    private void abandonBeforeCommit() {
        if (!isCommitted() && isActive()) {
            abandon();
        }
    }

    // --- Content-Length: every way of setting it ends in setContentLengthLong -----------------------------------

    @Override
    public void setContentLength(int length) {
        setContentLengthLong(length);
    }

    @Override
    public void setHeader(String name, String value) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name)) {
            if (value != null) { // like Payara: a null value changes nothing
                setContentLengthLong(parseLength(value));
            }
        } else {
            super.setHeader(name, value);
        }
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
