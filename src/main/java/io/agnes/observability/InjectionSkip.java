package io.agnes.observability;

import java.util.Locale;

/**
 * Why a response did not get the browser snippet. Every response the injector sees ends in exactly one of
 * injected, failed, or one of these (counted in {@link InjectionCounters}).
 */
public enum InjectionSkip {
    /** the Content-Type is not {@code text/html} nor {@code application/xhtml+xml} (JSON, CSS, images, none at all) */
    NOT_HTML,
    /** {@code text/event-stream}: Server-Sent Events are never touched (nor held back) */
    EVENT_STREAM,
    /** a HEAD request: there is no body to change, and its Content-Length must stay the GET body's */
    HEAD_REQUEST,
    /** status 1xx, 204 or 304: no body */
    NO_BODY_STATUS,
    /** status 206 or a {@code Content-Range}: a slice of the page, which an insertion would shift */
    PARTIAL_CONTENT,
    /** a {@code Content-Encoding} is already set: the body is not plain HTML bytes */
    ENCODED,
    /** {@code Content-Disposition: attachment}: a download, not a page the browser shows */
    ATTACHMENT,
    /** a marker header says the snippet (ours or another tier's RUM script) is already in the page */
    MARKER,
    /** {@code posthog.init} appears before {@code </head>}: the page brings its own PostHog */
    ALREADY_PRESENT,
    /** the body ended without a {@code </head>} (including an empty body): served byte-identical */
    NO_HEAD,
    /** no {@code </head>} within the first {@value InjectionResponse#SCAN_LIMIT} characters or bytes */
    SCAN_LIMIT,
    /** written as bytes in a charset that does not encode ASCII as itself (UTF-16, Shift_JIS…): not scanned */
    CHARSET,
    /** the request path is excluded from injection by configuration */
    EXCLUDED_PATH,
    /** the snippet source had nothing for this page (returned null or an empty text) */
    NO_SNIPPET,
    /** the application switched to non-blocking output, whose byte accounting an insertion would break */
    NON_BLOCKING;

    /** {@code not_html}, {@code scan_limit}, …: the name used in logs and on the operator page. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
