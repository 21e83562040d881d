package io.agnes.web;

import jakarta.servlet.ServletRequest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The id that ties a request's logs, error bodies and events together: the caller's
 * {@code X-Request-ID} when it is usable, else a fresh one.
 */
public final class RequestId {

    public static final String HEADER = "X-Request-ID";
    static final String ATTRIBUTE = RequestId.class.getName();
    private static final int MAX_LENGTH = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestId() {
    }

    /** The header reduced to {@code [A-Za-z0-9_-]} and 64 characters; 12 random hex chars if nothing is left. */
    public static String fromHeader(String header) {
        if (header != null) {
            StringBuilder kept = new StringBuilder(Math.min(header.length(), MAX_LENGTH));
            for (int i = 0; i < header.length() && kept.length() < MAX_LENGTH; i++) {
                char c = header.charAt(i);
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                    kept.append(c);
                }
            }
            if (!kept.isEmpty()) {
                return kept.toString();
            }
        }
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** The id of this request, assigned by {@link RequestContextFilter}; assigned here if that filter did not run. */
    public static String of(ServletRequest request) {
        Object id = request.getAttribute(ATTRIBUTE);
        if (id instanceof String s) {
            return s;
        }
        String fresh = fromHeader(request instanceof jakarta.servlet.http.HttpServletRequest http ? http.getHeader(HEADER) : null);
        request.setAttribute(ATTRIBUTE, fresh);
        return fresh;
    }
}
