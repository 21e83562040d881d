package io.agnes.observability;

import io.agnes.web.ContentSecurityPolicy;
import io.agnes.web.HeldLengthResponse;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One response as {@link SnippetInjectionFilter} sees it: the body streams through, and the snippet goes in before
 * the first {@code </head>}, once.
 *
 * <h2>Streaming</h2>
 * Every unit written (a char through {@link #getWriter()}, a byte through {@link #getOutputStream()}) goes on to
 * the container at once, except the few at the end of a write that could be the start of {@code </head>}
 * ({@code <}, {@code </h}, {@code </head  }…): at most {@link StreamingHeadMatcher#MAX_PENDING} of them are held
 * until the next write, flush or the end of the body says whether they are. That look-behind window is all this
 * wrapper ever holds (see {@link #heldHighWater()}); time to first byte and memory are those of the container's own
 * buffer. Scanning stops at the head's end, at {@code posthog.init}, or after {@value #SCAN_LIMIT} units; the
 * rest of the body passes without being looked at.
 *
 * <h2>The decision</h2>
 * Taken from the headers as they are when it is taken, twice: at the first unit written, the responses that
 * cannot be injected (not HTML, encoded, SSE, attachment, bodyless status, marker…) are let through unscanned and
 * get their declared {@code Content-Length}; a response without a Content-Type yet is scanned (frameworks may type
 * it after the first write). When {@code </head>} arrives the same rules ({@link InjectionEligibility}) are applied
 * to the final headers, then the snippet is rendered and inserted before the tag, encoded as the response encodes
 * its text (the writer's charset, or the declared charset of the bytes).
 *
 * <h2>Headers</h2>
 * <ul>
 *   <li>{@code Content-Length} is held while the snippet may still be inserted (inner layers still see the value
 *       they set). When the snippet goes in before commit the declared length is passed on increased by the
 *       snippet's BYTES; when the response turns out not to be injected, the declared length as it was. When the
 *       response committed while still scanning (the application flushed inside its head, or the head is larger
 *       than the container's buffer) no length was sent, so the container frames the body itself.</li>
 *   <li>The marker {@value #MARKER}{@code : }{@value #MARKER_VALUE} is set with the insertion when the response is
 *       not committed yet; after a commit no header can be added, and the snippet goes in without the marker.
 *       If the body it announced is then discarded before commit ({@code sendRedirect}, {@code sendError},
 *       {@code resetBuffer()}, an error page after a failure) the marker stays, as every header does on Payara;
 *       this filter ignores its own marker on a replacement body (which, if HTML, gets the snippet again), so
 *       the only cost is a stale marker on, say, a redirect.</li>
 *   <li>{@code Cache-Control: private} is added with the insertion when the response has no Cache-Control: the
 *       snippet carries the visitor's identity and flags, so a page that was the same for everyone becomes
 *       personal, and a shared cache must not store it. An explicit Cache-Control of the application is kept.</li>
 *   <li>No header is ever set after commit, and none is ever taken back (Payara 7.2025.1 ignores
 *       {@code setHeader(name, null)}); only a Content-Length of ours is withdrawn with
 *       {@code setContentLengthLong(-1)} when {@code resetBuffer()} discards the body it described.</li>
 * </ul>
 *
 * <h2>Once per body</h2>
 * The insertion is latched here, not per write: a second {@code </head>} passes untouched. {@code resetBuffer()}
 * and {@code reset()} (before commit) discard the body, so the scan starts again for the new one; our own marker
 * on a discarded body does not count as "already injected" then. After {@code sendError}, a clearing
 * {@code sendRedirect} or a dispatch failing before commit the wrapper is <em>abandoned</em>: a plain
 * pass-through, since the container renders its error page at an ERROR dispatch where the filter applies afresh.
 *
 * <p>Not thread-safe, like the container's responses.
 */
final class InjectionResponse extends HeldLengthResponse {

    /** Units scanned for {@code </head>} before giving up: a head larger than this is pathological, and it bounds the work. */
    static final int SCAN_LIMIT = 64 * 1024;

    static final String MARKER = "X-Agnes-Snippet";
    static final String MARKER_VALUE = "injected";
    /** Request attribute: one of our wrappers set {@link #MARKER} on this request's response. */
    static final String OWN_MARKER_ATTRIBUTE = InjectionResponse.class.getName() + ".marker";

    private enum State { UNDECIDED, SCANNING, PASSING, FINISHED }

    private enum Output { NONE, STREAM, WRITER }

    private final HttpServletRequest request;
    private final SnippetSource snippets;
    private final InjectionCounters counters;

    private State state = State.UNDECIDED;
    private boolean abandoned;
    private boolean bodyEnded;

    // the outcome of the current body
    private boolean injected;
    private boolean renderFailed;
    private InjectionSkip skip;
    private long addedBytes;

    /** What the application declared with setContentLength or a Content-Length header; -1 = nothing. */
    private long declaredLength = -1;
    /** A Content-Length of ours is on the container response (withdrawn when resetBuffer() discards its body). */
    private boolean lengthSent;

    private Output output = Output.NONE;
    private ServletOutputStream containerStream;
    private PrintWriter containerWriter;
    private final InjectionBodyStream body = new InjectionBodyStream(this);
    private PrintWriter writer;

    private final HeadScan scan = new HeadScan(this::writeHeld, SCAN_LIMIT);

    InjectionResponse(HttpServletResponse response, HttpServletRequest request, SnippetSource snippets,
                      InjectionCounters counters) {
        super(response);
        this.request = request;
        this.snippets = snippets;
        this.counters = counters;
    }

    /** The InjectionResponse in a chain of wrappers, or null. */
    static InjectionResponse findIn(ServletResponse response) {
        return findIn(response, InjectionResponse.class);
    }

    /** Still handling this response: neither finished nor abandoned. */
    @Override
    protected boolean isActive() {
        return !abandoned && state != State.FINISHED;
    }

    /** The body ended normally (dispatch returned, async completed) and its outcome was counted. */
    boolean isFinished() {
        return !abandoned && state == State.FINISHED;
    }

    /** The most units this wrapper ever held back at once (its look-behind window), for tests. */
    int heldHighWater() {
        return scan.highWater();
    }

    /** Units looked at for {@code </head>} in the current body, for tests. */
    long scanned() {
        return scan.scanned();
    }

    /**
     * The request is done (the dispatch returned or the async context completed): what is held goes out, the
     * outcome is counted. The container's stream stays open, so the container still frames the response itself.
     */
    void finish() throws IOException {
        if (!isActive()) {
            return;
        }
        try {
            endBody();
        } finally {
            record();
            state = State.FINISHED;
        }
    }

    /**
     * The dispatch threw. Before commit the container replaces the body with an error page: forget ours. After
     * commit the client has part of the page; it gets the held units too, so what it has is the page's prefix.
     */
    void abandonAfterFailure() {
        if (!isActive()) {
            return;
        }
        if (!isCommitted()) {
            abandon();
            return;
        }
        try {
            finish();
        } catch (IOException | RuntimeException clientGone) {
            // the dispatch's own failure is what propagates; this one most likely has the same cause
        }
    }

    /** Forgets the body and passes everything through from now on, untouched. Its outcome is not counted. */
    @Override
    protected void abandon() {
        forgetBody();
        abandoned = true;
        state = State.PASSING;
    }

    /** Ends the body now: an async {@code complete()} called through the request's wrapper, or a close. */
    void endBody() throws IOException {
        if (bodyEnded || abandoned || state == State.FINISHED) {
            return;
        }
        bodyEnded = true;
        if (state == State.SCANNING) {
            scan.release();
            decide(InjectionSkip.NO_HEAD);
        } else if (state == State.UNDECIDED) {
            InjectionSkip reason = skipReason(true);
            decide(reason != null ? reason : InjectionSkip.NO_HEAD);
        }
    }

    private void record() {
        if (injected) {
            counters.injected();
        } else if (renderFailed) {
            counters.failed();
        } else {
            counters.skipped(skip != null ? skip : InjectionSkip.NO_HEAD);
        }
    }

    // --- body ----------------------------------------------------------------------------------------------------

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (abandoned) {
            return super.getOutputStream(); // transparent: the container's own rules (and its error page)
        }
        if (output == Output.WRITER) {
            throw new IllegalStateException("getWriter() has already been called for this response");
        }
        containerStream(); // the container's rules and exceptions, at the moment the application asks
        output = Output.STREAM;
        return body;
    }

    @Override
    public PrintWriter getWriter() throws IOException {
        if (abandoned) {
            return super.getWriter();
        }
        if (output == Output.STREAM) {
            throw new IllegalStateException("getOutputStream() has already been called for this response");
        }
        if (writer == null) {
            containerWriter(); // fixes the charset, as the container's getWriter() does
            writer = new PrintWriter(new InjectionBodyWriter(this));
            output = Output.WRITER;
        }
        return writer;
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer(); // throws when committed, before anything of ours is touched
        if (!abandoned) {
            forgetBody();
        }
    }

    @Override
    public void reset() {
        super.reset(); // clears status, headers (our marker too) and the writer/stream choice; throws when committed
        if (!abandoned) {
            forgetBody();
            lengthSent = false;
            declaredLength = -1;
            output = Output.NONE;
            writer = null;
            containerStream = null;
            containerWriter = null;
        }
    }

    // --- Content-Length: held while the snippet may still go in ---------------------------------------------------

    @Override
    public void setContentLengthLong(long length) {
        if (abandoned) {
            super.setContentLengthLong(length);
            return;
        }
        declaredLength = length < 0 ? -1 : length;
        if (state == State.PASSING || state == State.FINISHED) {
            sendLength();
        }
        // UNDECIDED, SCANNING: held until the decision
    }

    /** Inner layers see the Content-Length they declared, not the held or corrected one; null for other headers. */
    @Override
    protected Collection<String> innerView(String name) {
        if (!abandoned && CONTENT_LENGTH.equalsIgnoreCase(name)
                && (state == State.UNDECIDED || state == State.SCANNING || injected)) {
            return declaredLength < 0 ? List.of() : List.of(Long.toString(declaredLength));
        }
        return null;
    }

    /** The declared length, plus the snippet's bytes when it went in; never after commit. */
    private void sendLength() {
        if (isCommitted()) {
            return;
        }
        if (declaredLength >= 0) {
            super.setContentLengthLong(declaredLength + (injected ? addedBytes : 0));
            lengthSent = true;
        } else if (lengthSent) {
            super.setContentLengthLong(-1);
            lengthSent = false;
        }
    }

    // --- the decision -------------------------------------------------------------------------------------------

    /** Why this response must not get the snippet, from its headers now ({@link InjectionEligibility}); null = it may. */
    private InjectionSkip skipReason(boolean isFinal) {
        return skipReason(getContentType(), isFinal);
    }

    private InjectionSkip skipReason(String type, boolean isFinal) {
        return InjectionEligibility.skipReason(this, request, type, isFinal, output == Output.STREAM);
    }

    /**
     * The snippet in the response's charset, when its own ASCII bytes are not that (see {@link Snippet#ascii}).
     * REPORT on unmappable characters: a '?' in the middle of a script is worse than no script.
     */
    private static ByteBuffer encode(String snippet, String encoding) throws CharacterCodingException {
        return Charset.forName(encoding).newEncoder().encode(CharBuffer.wrap(snippet));
    }

    /**
     * Decided: the rest of the body passes untouched, and the declared length (corrected when injected) goes on
     * now. {@code reason} is why the snippet stays out, or null when it went in or failed.
     */
    private void decide(InjectionSkip reason) {
        state = State.PASSING;
        skip = reason;
        sendLength();
    }

    /**
     * The held window ends with the whole {@code </head…>} tag: insert the snippet before it, or decide not to.
     * Only the final headers count; the renderer's failure leaves the page as it is.
     *
     * @param eligibleInThisWrite the headers, Content-Type included, passed the check at the start of the write
     *                            that ends the head: no application code ran since, so they are still the final
     *                            ones. Most pages' heads end in their first write; this spares them the ~10 header
     *                            lookups of a second check (each ~0.3–1 µs through Payara's response wrappers).
     */
    private void injectBeforeHeld(boolean eligibleInThisWrite) throws IOException {
        InjectionSkip reason = eligibleInThisWrite ? null : skipReason(true);
        if (reason != null) {
            decide(reason);
            return;
        }
        Snippet snippet;
        ByteBuffer encoded = null; // null: the snippet's own ASCII bytes are the encoding
        try {
            snippet = snippets.snippetFor(request, nonce());
            if (snippet == null || snippet.isEmpty()) {
                decide(InjectionSkip.NO_SNIPPET);
                return;
            }
            // bytes: the check just found the charset ASCII-compatible; characters: the length counts in the charset
            if (!snippet.ascii() || output == Output.WRITER) {
                String encoding = InjectionEligibility.charset(this, getContentType());
                if (!snippet.ascii() || !InjectionEligibility.asciiCompatible(encoding)) {
                    encoded = encode(snippet.text(), encoding);
                }
            }
        } catch (RuntimeException | LinkageError | CharacterCodingException e) {
            renderFailed = true;
            decide(null);
            counters.logRenderFailure(request.getMethod() + " " + request.getRequestURI(), e);
            return;
        }
        injected = true;
        addedBytes = encoded == null ? snippet.asciiLength() : encoded.remaining();
        if (!isCommitted()) {
            super.setHeader(MARKER, MARKER_VALUE);
            request.setAttribute(OWN_MARKER_ATTRIBUTE, Boolean.TRUE);
            if (!super.containsHeader("Cache-Control")) {
                // the snippet carries the visitor's identity and flags: no shared cache may hand it to someone else
                super.setHeader("Cache-Control", "private");
            }
        }
        decide(null); // with the corrected length
        if (output == Output.WRITER) {
            snippet.writeTo(containerWriter());
        } else if (encoded == null) {
            snippet.writeAscii(containerStream());
        } else {
            containerStream().write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
        }
    }

    /** The nonce the response's policies allow for the snippet's {@code <script>}, or null. */
    private String nonce() {
        // Agnes' own policy, still the first: its nonce is known without parsing (SnippetNonce would find the same)
        if (request.getAttribute(ContentSecurityPolicy.Sent.ATTRIBUTE) instanceof ContentSecurityPolicy.Sent sent
                && sent.value().equals(super.getHeader("Content-Security-Policy"))) {
            return sent.nonce();
        }
        return SnippetNonce.of(policies());
    }

    private List<String> policies() {
        List<String> policies = new ArrayList<>(super.getHeaders("Content-Security-Policy"));
        policies.addAll(super.getHeaders("Content-Security-Policy-Report-Only"));
        return policies;
    }

    /** Forgets the current body: what is held, the scan, the outcome. Before commit only (reset, resetBuffer, abandon). */
    private void forgetBody() {
        scan.reset();
        injected = false;
        renderFailed = false;
        skip = null;
        addedBytes = 0;
        bodyEnded = false;
        if (state != State.FINISHED) {
            state = State.UNDECIDED;
        }
        if (lengthSent && !isCommitted()) {
            super.setContentLengthLong(-1); // the length described the discarded body; held again until decided
            lengthSent = false;
        }
    }

    // --- scanning ------------------------------------------------------------------------------------------------

    /** The application's writes still go through the scan: undecided, or looking for {@code </head>}. */
    boolean scansWrites() {
        return state == State.UNDECIDED || state == State.SCANNING;
    }

    /**
     * Non-blocking output is passed through as it is: an insertion would write bytes the application's isReady()
     * accounting does not know about. Agnes' own code writes blocking.
     */
    void passNonBlocking() throws IOException {
        if (scansWrites()) {
            scan.release();
            decide(InjectionSkip.NON_BLOCKING);
        }
    }

    /** One write of the application's, as units the scan reads: looked at while scanning, else passed on. */
    void write(HeadScan.Units units, int from, int to) throws IOException {
        if (from == to) {
            return;
        }
        boolean eligibleInThisWrite = false;
        if (state == State.UNDECIDED) {
            String type = getContentType();
            InjectionSkip reason = skipReason(type, false);
            if (reason != null) {
                decide(reason);
            } else {
                state = State.SCANNING;
                eligibleInThisWrite = type != null; // else not known yet: checked again at </head>
            }
        }
        if (state != State.SCANNING) {
            units.emit(from, to);
            return;
        }
        switch (scan.feed(units, from, to)) {
            case HEAD_END -> {
                injectBeforeHeld(eligibleInThisWrite);
                scan.release(); // the tag itself
                units.emit(scan.resumeAt(), to);
            }
            case POSTHOG_INIT -> {
                decide(InjectionSkip.ALREADY_PRESENT);
                units.emit(from, to);
            }
            case LIMIT -> {
                decide(InjectionSkip.SCAN_LIMIT);
                units.emit(from, to);
            }
            case MORE -> {
                // the window waits for the next write
            }
        }
    }

    /** Held units that turned out not to be {@code </head>} go to the container as the body is written. */
    private void writeHeld(char[] units, int from, int to) throws IOException {
        if (output == Output.WRITER) {
            containerWriter().write(units, from, to - from);
        } else {
            byte[] bytes = new byte[to - from];
            for (int i = from; i < to; i++) {
                bytes[i - from] = (byte) units[i];
            }
            containerStream().write(bytes);
        }
    }

    ServletOutputStream containerStream() throws IOException {
        if (containerStream == null) {
            containerStream = super.getOutputStream();
        }
        return containerStream;
    }

    PrintWriter containerWriter() throws IOException {
        if (containerWriter == null) {
            containerWriter = super.getWriter();
        }
        return containerWriter;
    }
}
