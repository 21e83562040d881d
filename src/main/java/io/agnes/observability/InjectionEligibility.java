package io.agnes.observability;

import static jakarta.servlet.http.HttpServletResponse.SC_NOT_MODIFIED;
import static jakarta.servlet.http.HttpServletResponse.SC_NO_CONTENT;
import static jakarta.servlet.http.HttpServletResponse.SC_OK;
import static jakarta.servlet.http.HttpServletResponse.SC_PARTIAL_CONTENT;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which responses may get the snippet, judged from their headers: the rules {@link InjectionResponse} applies at the
 * first write (to let the others through unscanned) and again at {@code </head>} (on the final headers). Stateless;
 * the response passed in is the injector's own, so headers it holds back (Content-Length) read as the application
 * set them.
 */
final class InjectionEligibility {

    /** Other tiers' markers for "a browser script was already injected" (Datadog RUM, Dynatrace OneAgent). */
    static final List<String> FOREIGN_MARKERS = List.of("x-datadog-rum-injected", "X-OneAgent-JS-Injection");

    /** ASCII as the stream path's matcher needs it: a charset must encode these exactly as US-ASCII does. */
    private static final String ASCII_PROBE = "</HEAD head>\t\n\f\r posthog.init";

    private InjectionEligibility() {
    }

    /**
     * Why this response must not get the snippet, judged from its headers now; null = it may.
     *
     * @param type        the response's Content-Type, or null (read by the caller, which may want it too)
     * @param isFinal     whether the headers are final (at {@code </head>} or at the end): a missing Content-Type is
     *                    then "not HTML"; at the first write it is "not known yet"
     * @param writesBytes the application writes bytes ({@code getOutputStream()}), which the injector can only scan
     *                    and extend in a charset that encodes ASCII as ASCII; a writer's chars have no such limit
     */
    static InjectionSkip skipReason(HttpServletResponse response, HttpServletRequest request, String type,
                                    boolean isFinal, boolean writesBytes) {
        int status = response.getStatus();
        if (status < SC_OK || status == SC_NO_CONTENT || status == SC_NOT_MODIFIED) {
            return InjectionSkip.NO_BODY_STATUS;
        }
        if (status == SC_PARTIAL_CONTENT || response.containsHeader("Content-Range")) {
            return InjectionSkip.PARTIAL_CONTENT;
        }
        if (response.containsHeader("Content-Encoding")) {
            return InjectionSkip.ENCODED;
        }
        if (type == null) {
            return isFinal ? InjectionSkip.NOT_HTML : null;
        }
        // the media type, without parameters or surrounding blanks, compared in place: this runs twice per page
        int semicolon = type.indexOf(';');
        int end = semicolon < 0 ? type.length() : semicolon;
        int start = 0;
        while (start < end && type.charAt(start) <= ' ') {
            start++;
        }
        while (end > start && type.charAt(end - 1) <= ' ') {
            end--;
        }
        if (mimeIs(type, start, end, "text/event-stream")) {
            return InjectionSkip.EVENT_STREAM;
        }
        if (!mimeIs(type, start, end, "text/html") && !mimeIs(type, start, end, "application/xhtml+xml")) {
            return InjectionSkip.NOT_HTML;
        }
        String disposition = response.getHeader("Content-Disposition");
        if (disposition != null && disposition.trim().toLowerCase(Locale.ROOT).startsWith("attachment")) {
            return InjectionSkip.ATTACHMENT;
        }
        if (hasMarker(response, request)) {
            return InjectionSkip.MARKER;
        }
        if (writesBytes && !asciiCompatible(charset(response, type))) {
            return InjectionSkip.CHARSET;
        }
        return null;
    }

    /**
     * The response's charset: the {@code charset} parameter of its Content-Type when it has one (the container puts
     * the charset there once one is set, so both say the same), else the container's default. Read in place because
     * Payara's {@code getCharacterEncoding()} costs ~0.5–1 µs a call through the response wrappers.
     *
     * @param type the response's Content-Type, or null
     */
    static String charset(HttpServletResponse response, String type) {
        if (type != null) {
            int at = type.indexOf(';');
            while (at >= 0) {
                int start = at + 1;
                while (start < type.length() && type.charAt(start) <= ' ') {
                    start++;
                }
                at = type.indexOf(';', start);
                if (type.regionMatches(true, start, "charset=", 0, 8)) {
                    int end = at < 0 ? type.length() : at;
                    if (end - start == 13 && type.startsWith("UTF-8", start + 8)) {
                        return "UTF-8"; // nearly every page's, as the container writes it: no copy made
                    }
                    String value = type.substring(start + 8, end).trim();
                    if (value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")) {
                        value = value.substring(1, value.length() - 1);
                    }
                    if (!value.isEmpty()) {
                        return value;
                    }
                }
            }
        }
        return response.getCharacterEncoding();
    }

    /** Whether a charset encodes ASCII as ASCII, one byte per character: UTF-8 and the single-byte charsets. */
    static boolean asciiCompatible(String encoding) {
        if ("UTF-8".equalsIgnoreCase(encoding) || "ISO-8859-1".equalsIgnoreCase(encoding)) {
            return true; // nearly every page; spares a charset lookup per page
        }
        Charset charset;
        try {
            charset = Charset.forName(encoding);
        } catch (IllegalArgumentException unknown) { // IllegalCharsetName / UnsupportedCharset
            return false;
        }
        if (charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.ISO_8859_1)
                || charset.equals(StandardCharsets.US_ASCII)) {
            return true;
        }
        // one byte per character, else ASCII bytes may be halves of other characters (Shift_JIS, UTF-16, ISO-2022)
        return charset.canEncode() && charset.newEncoder().maxBytesPerChar() == 1.0f
                && Arrays.equals(ASCII_PROBE.getBytes(charset), ASCII_PROBE.getBytes(StandardCharsets.US_ASCII));
    }

    private static boolean mimeIs(String type, int start, int end, String mime) {
        return end - start == mime.length() && type.regionMatches(true, start, mime, 0, mime.length());
    }

    private static boolean hasMarker(HttpServletResponse response, HttpServletRequest request) {
        for (String foreign : FOREIGN_MARKERS) {
            if (response.containsHeader(foreign)) {
                return true;
            }
        }
        if (!response.containsHeader(InjectionResponse.MARKER)) {
            return false;
        }
        // Ours, on a body discarded before commit (resetBuffer, or an error page replacing a failed page), is stale:
        // the header could not be taken back (Payara ignores setHeader(name, null)), but the snippet is gone.
        boolean ours = Boolean.TRUE.equals(request.getAttribute(InjectionResponse.OWN_MARKER_ATTRIBUTE));
        return !ours || response.isCommitted();
    }
}
