package io.agnes.observability;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The header policy of Agnes' PostHog proxy ({@link PostHogProxy}, which moves the bytes): the allow-lists each way,
 * and the two headers the proxy writes itself, {@code X-Forwarded-For} and {@code Via}. Every value passed on is a
 * clean header value ({@link #isHeaderValue}); see the proxy's class comment for what is never forwarded.
 */
final class ProxyHeaders {

    static final int MAX_FORWARDED_HOPS = 10;
    static final int MAX_VIA_HOPS = 10;
    static final List<String> REQUEST_HEADERS = List.of("Content-Type", "Content-Encoding", "User-Agent", "Accept",
            "Accept-Encoding", "Accept-Language", "If-None-Match", "If-Modified-Since");
    static final List<String> RESPONSE_HEADERS = List.of("Content-Type", "Content-Encoding", "Cache-Control", "ETag",
            "Last-Modified", "Expires", "Vary", "Retry-After", "X-Content-Type-Options");

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ProxyHeaders() {
    }

    /** The browser's allow-listed request headers onto the request to PostHog. */
    static void copyRequestHeaders(HttpServletRequest from, HttpRequest.Builder to) {
        for (String name : REQUEST_HEADERS) {
            for (Enumeration<String> values = from.getHeaders(name); values != null && values.hasMoreElements(); ) {
                String value = values.nextElement();
                if (isHeaderValue(value)) {
                    to.header(name, value);
                }
            }
        }
    }

    /** PostHog's allow-listed answer headers onto the browser's response. */
    static void copyResponseHeaders(HttpHeaders from, HttpServletResponse to) {
        for (String name : RESPONSE_HEADERS) {
            for (String value : from.allValues(name)) {
                if (isHeaderValue(value)) {
                    to.addHeader(name, value);
                }
            }
        }
    }

    /**
     * The {@code X-Forwarded-For} sent upstream: the incoming chain if every entry is an IP literal and there are at
     * most {@value #MAX_FORWARDED_HOPS} of them (else it is dropped), then {@code remoteAddr}.
     */
    static String forwardedFor(Enumeration<String> incoming, String remoteAddr) {
        List<String> chain = new ArrayList<>();
        boolean usable = true;
        for (String line : incoming == null ? List.<String>of() : Collections.list(incoming)) {
            for (String entry : line.split(",")) {
                String hop = entry.trim();
                if (hop.isEmpty()) {
                    continue;
                }
                usable &= IP_LITERAL.matcher(hop).matches() && (hop.indexOf('.') >= 0 || hop.indexOf(':') >= 0);
                chain.add(hop);
            }
        }
        if (!usable || chain.size() > MAX_FORWARDED_HOPS) {
            chain.clear();
        }
        chain.add(remoteAddr);
        return String.join(", ", chain);
    }

    /** The entries of the incoming {@code Via} headers, in order (a value that is not a clean header value is left out). */
    static List<String> viaChain(Enumeration<String> incoming) {
        List<String> chain = new ArrayList<>();
        for (String line : incoming == null ? List.<String>of() : Collections.list(incoming)) {
            if (!isHeaderValue(line)) {
                continue;
            }
            for (String entry : line.split(",")) {
                String hop = entry.trim();
                if (!hop.isEmpty()) {
                    chain.add(hop);
                }
            }
        }
        return chain;
    }

    /** Printable ASCII and tabs only: nothing that could split or smuggle a header. */
    static boolean isHeaderValue(String value) {
        return value != null && value.length() <= 8192 && value.chars().allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f));
    }
}
