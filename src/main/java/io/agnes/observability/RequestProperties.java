package io.agnes.observability;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The facts about the HTTP request an event was raised in, as the servlet layer saw them, and the event
 * properties made from them: {@code request_id}, {@code path}, {@code method} (the original's names),
 * {@code $current_url}, {@code $request_method}, {@code $request_path}, {@code $user_agent} (PostHog's names)
 * and {@code $session_id}/{@code $window_id} from posthog-js's tracing headers, which link the event to the
 * browser's session replay.
 *
 * <p>The record has no place for a query string, a request body, cookies or an {@code Authorization} header,
 * so none can reach PostHog: {@code $current_url} is scheme, host, port and path only. Path parameters
 * ({@code ;jsessionid=…}) are removed from the path too, because a servlet container puts the session id there
 * when cookies are off.
 *
 * @param method             the HTTP method
 * @param path               the request URI without the query ({@code HttpServletRequest.getRequestURI()})
 * @param scheme             {@code http} or {@code https}, as the client used it
 * @param host               the host the client addressed, without port ({@code getServerName()})
 * @param port               the port the client addressed ({@code getServerPort()}); 0 or negative when unknown
 * @param userAgent          the {@code User-Agent} header, may be {@code null}
 * @param requestId          the request's id ({@code io.agnes.web.RequestId})
 * @param sessionIdHeader    the raw {@code X-POSTHOG-SESSION-ID} header, may be {@code null}
 * @param windowIdHeader     the raw {@code X-POSTHOG-WINDOW-ID} header, may be {@code null}
 * @param distinctIdHeader   the raw {@code X-POSTHOG-DISTINCT-ID} header, may be {@code null}; not a property
 *                           itself, it is for {@link EventIdentity#forRequest}
 */
public record RequestProperties(
        String method,
        String path,
        String scheme,
        String host,
        int port,
        String userAgent,
        String requestId,
        String sessionIdHeader,
        String windowIdHeader,
        String distinctIdHeader) {

    public static final String SESSION_ID_HEADER = "X-POSTHOG-SESSION-ID";
    public static final String WINDOW_ID_HEADER = "X-POSTHOG-WINDOW-ID";
    public static final String DISTINCT_ID_HEADER = "X-POSTHOG-DISTINCT-ID";

    static final int MAX_PATH_CHARS = 1000;
    private static final int MAX_METHOD_CHARS = 16;

    /** The event properties of this request; absent facts are left out, never sent as {@code null}. */
    public Map<String, Object> toProperties() {
        Map<String, Object> props = new LinkedHashMap<>();
        String cleanPath = cleanPath(path);
        String cleanMethod = cleanMethod(method);
        putIfPresent(props, "request_id", HeaderValues.sanitise(requestId, 64));
        putIfPresent(props, "path", cleanPath);
        putIfPresent(props, "method", cleanMethod);
        putIfPresent(props, "$current_url", currentUrl(cleanPath));
        putIfPresent(props, "$request_method", cleanMethod);
        putIfPresent(props, "$request_path", cleanPath);
        putIfPresent(props, "$user_agent", HeaderValues.sanitise(userAgent));
        putIfPresent(props, "$session_id", HeaderValues.sanitise(sessionIdHeader));
        putIfPresent(props, "$window_id", HeaderValues.sanitise(windowIdHeader));
        return props;
    }

    private String currentUrl(String cleanPath) {
        String cleanScheme = scheme == null ? null : scheme.trim().toLowerCase(Locale.ROOT);
        String cleanHost = cleanHost(host);
        if (cleanScheme == null || !(cleanScheme.equals("http") || cleanScheme.equals("https")) || cleanHost == null) {
            return null;
        }
        boolean defaultPort = port <= 0 || port > 65535 || (cleanScheme.equals("http") && port == 80)
                || (cleanScheme.equals("https") && port == 443);
        return cleanScheme + "://" + cleanHost + (defaultPort ? "" : ":" + port) + (cleanPath == null ? "/" : cleanPath);
    }

    /** The path without query, fragment, path parameters and control characters, at most 1000 characters. */
    static String cleanPath(String raw) {
        if (raw == null) {
            return null;
        }
        String path = raw;
        int end = indexOfAny(path, '?', '#');
        if (end >= 0) {
            path = path.substring(0, end);
        }
        if (path.indexOf(';') >= 0) {
            // "/a;jsessionid=X/b;v=1" -> "/a/b": every segment loses its parameters
            StringBuilder kept = new StringBuilder(path.length());
            boolean inParameter = false;
            for (int i = 0; i < path.length(); i++) {
                char c = path.charAt(i);
                if (c == ';') {
                    inParameter = true;
                } else if (c == '/') {
                    inParameter = false;
                    kept.append(c);
                } else if (!inParameter) {
                    kept.append(c);
                }
            }
            path = kept.toString();
        }
        return HeaderValues.sanitise(path, MAX_PATH_CHARS);
    }

    private static String cleanMethod(String raw) {
        String clean = HeaderValues.sanitise(raw, MAX_METHOD_CHARS);
        return clean == null || !clean.chars().allMatch(c -> (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
                ? null : clean.toUpperCase(Locale.ROOT);
    }

    /** A host name, IPv4 or bracketed IPv6 address; anything else (a forged Host header) is left out. */
    private static String cleanHost(String raw) {
        String clean = HeaderValues.sanitise(raw, 255);
        if (clean == null) {
            return null;
        }
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                    || c == '-' || c == '_' || c == ':' || c == '[' || c == ']';
            if (!ok) {
                return null;
            }
        }
        // a bare IPv6 address (some containers report ::1) needs brackets in a URL
        return (clean.indexOf(':') >= 0 && !clean.startsWith("[") ? "[" + clean + "]" : clean).toLowerCase(Locale.ROOT);
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }

    private static void putIfPresent(Map<String, Object> props, String key, String value) {
        if (value != null) {
            props.put(key, value);
        }
    }
}
