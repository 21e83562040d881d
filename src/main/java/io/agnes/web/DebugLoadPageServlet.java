package io.agnes.web;

import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /debug/page?kb=N&chunk=B&flush=0|1&pause=MS&marker=0|1}: a benchmark fixture (docs/performance.md, "End-to-end load"), an
 * HTML page of {@code kb} KB streamed to the normal servlet output stream in writes of {@code chunk} bytes, so it
 * passes the GZIP and snippet filters exactly like a JSP page does. A WAR cannot carry generated multi-megabyte
 * {@code .html} files, hence a servlet. {@code flush=1} flushes after every write (a page that streams as it is
 * produced); {@code pause} waits that many milliseconds after every write (a page produced slowly, so that many
 * responses are in flight at once). {@code marker=1} sets Datadog's "already injected" header, which the PostHog
 * injector honours: the same page from the same server without the snippet, to measure what injecting costs without
 * comparing two JVMs (docs/performance.md, round 10). Same gates as {@link DebugPageServlet}: signed in (the authentication filter), then DEBUG (404).
 *
 * <p>Bad numbers get a 400 naming the allowed range: kb 1–{@value #MAX_KB}, chunk 64–{@value #MAX_CHUNK} (default
 * {@value #DEFAULT_CHUNK}), pause 0–{@value #MAX_PAUSE_MS}.
 */
@WebServlet(urlPatterns = "/debug/page")
public class DebugLoadPageServlet extends HttpServlet {

    static final int MAX_KB = 20 * 1024;
    static final int MAX_CHUNK = 1024 * 1024;
    static final int DEFAULT_CHUNK = 8192;
    static final int MAX_PAUSE_MS = 1000;
    /** One of the markers the PostHog injector leaves alone (InjectionEligibility.FOREIGN_MARKERS). */
    static final String FOREIGN_INJECTION_MARKER = "x-datadog-rum-injected";

    private static final byte[] HEAD = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<title>Agnes load fixture</title>\n<link rel=\"stylesheet\" href=\"/static/agnes.css\">\n</head>\n"
            + "<body>\n<table class=\"query-result\">\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TAIL = "</table>\n</body>\n</html>\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ROW = "<tr><td>2026-11-27</td><td>north</td><td class=\"num\">12345.67</td><td>lorem ipsum dolor sit</td></tr>\n"
            .getBytes(StandardCharsets.US_ASCII);

    @Inject
    Settings settings;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!settings.flag(Setting.DEBUG)) {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        int kb;
        int chunk;
        int pause;
        try {
            kb = number(request.getParameter("kb"), 30, 1, MAX_KB, "kb");
            chunk = number(request.getParameter("chunk"), DEFAULT_CHUNK, 64, MAX_CHUNK, "chunk");
            pause = number(request.getParameter("pause"), 0, 0, MAX_PAUSE_MS, "pause");
        } catch (IllegalArgumentException bad) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, bad.getMessage());
            return;
        }
        boolean flush = "1".equals(request.getParameter("flush"));
        response.setContentType("text/html;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        if ("1".equals(request.getParameter("marker"))) {
            response.setHeader(FOREIGN_INJECTION_MARKER, "1");
        }
        try {
            write(response.getOutputStream(), kb * 1024L, chunk, flush, pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing the page", e);
        }
    }

    /** Rows enough for the largest write at any offset: every write is one copy out of it, so the fixture stays cheap. */
    private static final byte[] ROWS = rows(MAX_CHUNK + ROW.length);

    private static byte[] rows(int atLeast) {
        byte[] rows = new byte[(atLeast / ROW.length + 1) * ROW.length];
        for (int i = 0; i < rows.length; i += ROW.length) {
            System.arraycopy(ROW, 0, rows, i, ROW.length);
        }
        return rows;
    }

    /** Exactly {@code size} bytes of page (at least head and tail), in writes of at most {@code chunk} bytes. */
    static void write(OutputStream out, long size, int chunk, boolean flush, int pauseMillis) throws IOException, InterruptedException {
        byte[] buffer = new byte[chunk];
        long bodyBytes = Math.max(0, size - HEAD.length - TAIL.length);
        long fullRowBytes = bodyBytes / ROW.length * ROW.length;
        long total = HEAD.length + bodyBytes + TAIL.length;
        long position = 0;
        while (position < total) {
            int n = (int) Math.min(chunk, total - position);
            fill(buffer, n, position, bodyBytes, fullRowBytes);
            out.write(buffer, 0, n);
            if (flush) {
                out.flush();
            }
            if (pauseMillis > 0) {
                Thread.sleep(pauseMillis); // the fixture's slowness is the point: a page still being produced
            }
            position += n;
        }
    }

    /** Bytes {@code [position, position + n)} of the page: head, whole rows, spaces padding the last row, tail. */
    private static void fill(byte[] buffer, int n, long position, long bodyBytes, long fullRowBytes) {
        int i = 0;
        while (i < n) {
            long at = position + i;
            int run;
            if (at < HEAD.length) {
                run = (int) Math.min(n - i, HEAD.length - at);
                System.arraycopy(HEAD, (int) at, buffer, i, run);
            } else if (at - HEAD.length < fullRowBytes) {
                long inRows = at - HEAD.length;
                run = (int) Math.min(n - i, fullRowBytes - inRows);
                System.arraycopy(ROWS, (int) (inRows % ROW.length), buffer, i, run);
            } else if (at - HEAD.length < bodyBytes) {
                run = (int) Math.min(n - i, bodyBytes - (at - HEAD.length));
                java.util.Arrays.fill(buffer, i, i + run, (byte) ' '); // HTML ignores it
            } else {
                int inTail = (int) (at - HEAD.length - bodyBytes);
                run = Math.min(n - i, TAIL.length - inTail);
                System.arraycopy(TAIL, inTail, buffer, i, run);
            }
            i += run;
        }
    }

    private static int number(String raw, int fallback, int min, int max, String name) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below like an out-of-range value
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got '" + raw + "'");
    }
}
