package io.agnes.web;

import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.Locale;

/**
 * Compresses Agnes' textual responses with gzip. It is Agnes' own filter, not the server's connector
 * compression, and it is mapped first in {@code web.xml} (outermost), so every inner filter, such as the HTML
 * rewriting one, reads and writes uncompressed content.
 *
 * <h2>Configuration</h2>
 * There is no configuration key: the rules below are fixed, and the threshold is not worth tuning per
 * deployment (below 1 KB gzip saves a few hundred bytes at best and can even grow the body).
 * <table>
 *   <caption>What is compressed</caption>
 *   <tr><th>Rule</th><th>Value</th></tr>
 *   <tr><td>Threshold</td><td>{@value #MIN_BYTES} bytes of body. A body that ends below it is sent as is, with
 *       its exact {@code Content-Length}. A body that is flushed before reaching it is compressed, because it
 *       is streaming and its final size is unknown (unless a declared {@code Content-Length} says it is
 *       small).</td></tr>
 *   <tr><td>Types</td><td>{@code text/*} except {@code text/event-stream}; {@code application/json},
 *       {@code application/javascript}, {@code application/x-javascript}, {@code application/ecmascript},
 *       {@code application/xml}, every {@code application/*+json} and {@code application/*+xml} (XHTML, problem
 *       details, Atom...), {@code image/svg+xml}. Judged from the {@code Content-Type} when the decision is
 *       taken, so a type set after the first write still counts.</td></tr>
 *   <tr><td>Client</td><td>{@code Accept-Encoding} accepts {@code gzip} (or {@code x-gzip}, or {@code *}) with a
 *       q-value above 0; {@code gzip;q=0} refuses it even when {@code *} is accepted.</td></tr>
 *   <tr><td>Never</td><td>HEAD requests; status 1xx, 204, 304, 206 or a {@code Content-Range}; a response that
 *       already has a {@code Content-Encoding}; {@code text/event-stream} (streams unbuffered); a response
 *       already compressed by this filter at an outer dispatch (ERROR, ASYNC).</td></tr>
 * </table>
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>{@code Vary: Accept-Encoding} is added to every response of a compressible type, whatever the client
 *       sent and however large the body (a cache must not hand a gzip body to a client that cannot read it);
 *       an existing {@code Vary} keeps its fields.</li>
 *   <li>When compressing, a declared {@code Content-Length} is dropped and a strong {@code ETag} is weakened
 *       ({@code W/}); when not compressing, the declared length passes through. Inner filters keep seeing
 *       the uncompressed view: their own length and ETag, no {@code Content-Encoding}.</li>
 *   <li>{@code Content-Encoding: gzip} goes out with the first compressed bytes, and that transfer commits
 *       the response (after at most 8 KB of compressed output, like the container's own buffer). Before it,
 *       {@code reset()}, {@code sendError()} or a failure only drop bytes: Payara 7.2025.1 ignores
 *       {@code setHeader(name, null)}, so a header set too early could never be taken back.</li>
 *   <li>Streaming with bounded memory: at most {@value #MIN_BYTES} - 1 bytes are held before the decision,
 *       then one 8 KB buffer feeds the connection. Each flush ({@code flush()}, {@code flushBuffer()}) ends with
 *       a SYNC_FLUSH block, so the client can decode everything sent so far.</li>
 *   <li>A synchronous request ends when the dispatch returns; an asynchronous one when its
 *       {@code AsyncContext} completes (an {@link AsyncListener}), not when the first dispatch returns.</li>
 *   <li>{@code sendError} and {@code sendRedirect} pass through untouched: the container renders its error
 *       page at an ERROR dispatch, where this filter applies afresh. A dispatch that throws before commit has
 *       its pending body dropped for the same reason.</li>
 *   <li>The deflater's native memory is released on every path: end of body, reset, error, client abort.</li>
 * </ul>
 */
@WebFilter(filterName = "GzipFilter", asyncSupported = true)
public class GzipFilter extends HttpFilter {

    static final int MIN_BYTES = 1024;

    /** The request attribute holding this request's GzipResponse, found again at ASYNC and ERROR dispatches. */
    static final String RESPONSE_ATTRIBUTE = GzipFilter.class.getName() + ".response";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        GzipResponse outer = GzipResponse.findIn(response);
        if (outer != null && outer.isActive()) {
            chain.doFilter(request, response); // the response already flows through our wrapper
            return;
        }
        if (request.getAttribute(RESPONSE_ATTRIBUTE) instanceof GzipResponse earlier
                && earlier.isActive() && earlier.writesTo(response)) {
            // The container dispatched again with the unwrapped response (AsyncContext.dispatch() after a
            // startAsync() without arguments, or an error dispatch). Writing past the earlier wrapper would mix
            // identity bytes into a gzip body; its listener still ends it when the async context completes.
            if (request.getDispatcherType() != DispatcherType.ERROR || response.isCommitted()) {
                chain.doFilter(request, earlier);
                return;
            }
            earlier.abandon(); // an error page replaces what the failed dispatch left unsent
        }

        GzipResponse gzip = new GzipResponse(response, acceptsGzip(request.getHeaders("Accept-Encoding")),
                "HEAD".equalsIgnoreCase(request.getMethod()));
        FinishOnAsyncComplete finisher = new FinishOnAsyncComplete(gzip::finish, "the gzip body");
        AsyncFinishWatch watched = new AsyncFinishWatch(request, finisher, null);
        request.setAttribute(RESPONSE_ATTRIBUTE, gzip);
        boolean returned = false;
        try {
            chain.doFilter(watched, gzip);
            returned = true;
        } finally {
            if (!returned) {
                gzip.abandonAfterFailure();
            }
        }
        if (watched.startedAsync()) {
            return; // its listener ends the body; isAsyncStarted() could not tell, it is false after a dispatch()
        }
        if (request.isAsyncStarted()) {
            // started past our wrapper, on the container's request (a CDI-injected one, say); a complete() from
            // another thread only takes effect once this dispatch returns, so the listener is in time
            request.getAsyncContext().addListener(finisher);
        } else {
            gzip.finish();
        }
    }

    /** Whether the Accept-Encoding header lines accept gzip (RFC 9110 12.5.3), an explicit q=0 refusing it. */
    static boolean acceptsGzip(Enumeration<String> acceptEncoding) {
        Double gzip = null;
        Double any = null;
        while (acceptEncoding != null && acceptEncoding.hasMoreElements()) {
            for (String element : acceptEncoding.nextElement().split(",")) {
                String[] parts = element.split(";");
                String coding = parts[0].trim().toLowerCase(Locale.ROOT);
                double q = quality(parts);
                if (coding.equals("gzip") || coding.equals("x-gzip")) {
                    gzip = gzip == null ? q : Math.max(gzip, q);
                } else if (coding.equals("*")) {
                    any = q;
                }
            }
        }
        return gzip != null ? gzip > 0 : any != null && any > 0;
    }

    private static double quality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].trim();
            if (parameter.regionMatches(true, 0, "q=", 0, 2)) {
                try {
                    return Double.parseDouble(parameter.substring(2).trim());
                } catch (NumberFormatException malformed) {
                    return 0; // an unreadable weight is not an acceptance
                }
            }
        }
        return 1;
    }

    /** Whether a Content-Type (parameters allowed) names a textual type worth compressing. */
    static boolean isCompressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (type.equals("text/event-stream")) {
            return false; // each event must reach the client as it is written
        }
        if (type.startsWith("text/")) {
            return true;
        }
        return switch (type) {
            case "application/json", "application/javascript", "application/x-javascript",
                 "application/ecmascript", "application/xml", "image/svg+xml" -> true;
            default -> type.startsWith("application/") && (type.endsWith("+json") || type.endsWith("+xml"));
        };
    }
}
