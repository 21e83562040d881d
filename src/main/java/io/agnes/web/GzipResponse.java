package io.agnes.web;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One response as {@link GzipFilter} sees it: the body is held back (at most {@link GzipFilter#MIN_BYTES} - 1
 * bytes) until the filter can decide between gzip and identity, then streams through.
 *
 * <p>The decision is taken once per body, from the response headers at that moment, when the first of these
 * happens: {@code MIN_BYTES} have been written; the application flushes; the body ends. It is taken at the first
 * write already when the headers known then rule compression out (a non-textual content type, an existing
 * {@code Content-Encoding}, HEAD, 204/304/206), so such bodies, Server-Sent Events above all, are never held
 * back. {@code reset()}/{@code resetBuffer()} before commit forget the pending bytes and the decision.
 *
 * <p>{@code Content-Encoding: gzip} reaches the container response only together with the first compressed
 * bytes, and that first transfer commits the response (as the container's own 8 KB buffer would when full).
 * Until then the compressed bytes stay in the encoder's buffer, so reset, resetBuffer, sendError or a failed
 * dispatch only have to drop them: nothing has to be taken back from the container, which matters because
 * Payara 7.2025.1 ignores {@code setHeader(name, null)} (no header can be removed there).
 *
 * <p>Inner layers see the uncompressed view: the Content-Length and ETag they set, never this wrapper's
 * Content-Encoding.
 *
 * <p>After {@code sendError}, a clearing {@code sendRedirect} or a failed dispatch the wrapper is
 * <em>abandoned</em>: it becomes a plain pass-through, so the container's error page (rendered at an ERROR
 * dispatch, where the filter applies afresh) is not mixed with a half-compressed body. Not thread-safe, like
 * the container's responses.
 */
final class GzipResponse extends HeldLengthResponse {

    private enum State { UNDECIDED, IDENTITY, GZIP, CLOSED }

    private enum Output { NONE, STREAM, WRITER }

    private static final String CONTENT_ENCODING = "Content-Encoding";
    private static final String ETAG = "ETag";
    private static final String VARY = "Vary";

    private final boolean clientAcceptsGzip;
    private final boolean head;
    private final Body body = new Body();

    private State state = State.UNDECIDED;
    private boolean abandoned;
    private byte[] pending;
    private int pendingCount;
    private ServletOutputStream sink;
    private GzipEncoder encoder;
    /** What the application declared with setContentLength or a Content-Length header; -1 = nothing. */
    private long declaredLength = -1;
    /** The strong ETag the application set, weakened on the wire because the gzip body is different bytes. */
    private String strongEtag;
    /** Content-Encoding and the other gzip headers have gone to the container, and the response is committed. */
    private boolean gzipHeadersSent;
    /** The encoder is writing its last block: the first transfer then need not commit, the container frames it. */
    private boolean finishing;

    private Output output = Output.NONE;
    private BodyWriter bodyWriter;
    private PrintWriter writer;

    GzipResponse(HttpServletResponse response, boolean clientAcceptsGzip, boolean head) {
        super(response);
        this.clientAcceptsGzip = clientAcceptsGzip;
        this.head = head;
    }

    /** The GzipResponse in a chain of wrappers, or null. */
    static GzipResponse findIn(ServletResponse response) {
        return findIn(response, GzipResponse.class);
    }

    /** Still deciding or writing this body: neither finished nor abandoned. */
    @Override
    protected boolean isActive() {
        return !abandoned && state != State.CLOSED;
    }

    /** Whether a deflater (native memory) is still held: false once the body ended, however it ended. */
    boolean holdsDeflater() {
        return encoder != null;
    }

    /** Whether the body is currently being compressed (decided, not yet reset). */
    boolean isCompressing() {
        return state == State.GZIP;
    }

    /**
     * Ends the body when the request is done (the dispatch returned or the async context completed): decides if
     * still undecided, sends what is pending, writes the gzip trailer. Does not close the container's stream, so
     * the container still frames the response itself (a Content-Length when everything fit in its buffer).
     */
    void finish() throws IOException {
        if (!isActive()) {
            return;
        }
        try {
            if (bodyWriter != null) {
                bodyWriter.drain();
            }
            body.end(false);
        } finally {
            releaseEncoder();
            state = State.CLOSED;
        }
    }

    /**
     * The dispatch threw. Before commit the container will replace the body with an error page: forget ours.
     * After commit nothing can be repaired; the client sees a truncated gzip stream, which it reports as an error
     * rather than taking the partial page for a whole one.
     */
    void abandonAfterFailure() {
        if (!isActive()) {
            return;
        }
        if (isCommitted()) {
            releaseEncoder();
            state = State.CLOSED;
        } else {
            abandon();
        }
    }

    /** Forgets the pending body and passes everything through from now on, untouched. */
    @Override
    protected void abandon() {
        discardBody();
        abandoned = true;
        state = State.IDENTITY;
    }

    // --- body -------------------------------------------------------------------------------------------------

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (abandoned) {
            return super.getOutputStream(); // transparent: the container's own rules (and its error-page reset)
        }
        if (output == Output.WRITER) {
            throw new IllegalStateException("getWriter() has already been called for this response");
        }
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
            String encoding = getCharacterEncoding() == null ? "ISO-8859-1" : getCharacterEncoding(); // spec default
            Charset charset = charset(encoding);
            // like the containers do in getWriter(): the charset used is the one announced, even if set later
            super.setCharacterEncoding(encoding);
            bodyWriter = new BodyWriter(body, charset);
            writer = new PrintWriter(bodyWriter);
            output = Output.WRITER;
        }
        return writer;
    }

    @Override
    public void flushBuffer() throws IOException {
        if (abandoned) {
            super.flushBuffer();
            return;
        }
        if (writer != null) {
            writer.flush();
        } else {
            body.flush();
        }
        super.flushBuffer();
    }

    @Override
    public void resetBuffer() {
        super.resetBuffer(); // throws when committed, before anything of ours is touched
        discardBody();
    }

    @Override
    public void reset() {
        super.reset(); // clears status, headers and the container's writer/stream choice; throws when committed
        discardBody();
        sink = null;
        declaredLength = -1;
        output = Output.NONE;
        writer = null;
        bodyWriter = null;
    }

    @Override
    public void setBufferSize(int size) {
        if (pendingCount > 0) {
            throw new IllegalStateException("setBufferSize() after content has been written");
        }
        super.setBufferSize(size);
    }

    // --- headers: Content-Length is held until the decision; the writer's charset is fixed -------------------

    @Override
    public void setContentLengthLong(long length) {
        declaredLength = length < 0 ? -1 : length;
        if (state == State.IDENTITY) {
            super.setContentLengthLong(length);
        }
        // UNDECIDED: held; GZIP: the compressed length is unknown, the declared one stale; CLOSED: too late
    }

    /**
     * The headers as the application set them, where this wrapper changes them on the wire; null for the others.
     * Content-Length while held or dropped, the strong ETag, and no Content-Encoding of ours.
     */
    @Override
    protected Collection<String> innerView(String name) {
        if (CONTENT_LENGTH.equalsIgnoreCase(name) && (state == State.UNDECIDED || state == State.GZIP)) {
            return declaredLength < 0 ? List.of() : List.of(Long.toString(declaredLength));
        }
        if (CONTENT_ENCODING.equalsIgnoreCase(name) && gzipHeadersSent) {
            return List.of();
        }
        if (ETAG.equalsIgnoreCase(name) && strongEtag != null) {
            return List.of(strongEtag);
        }
        return null;
    }

    @Override
    public void setCharacterEncoding(String encoding) {
        if (output != Output.WRITER) { // the Servlet rule: no effect once getWriter() has been called
            super.setCharacterEncoding(encoding);
        }
    }

    @Override
    public void setCharacterEncoding(Charset encoding) {
        if (output != Output.WRITER) {
            super.setCharacterEncoding(encoding);
        }
    }

    @Override
    public void setContentType(String type) {
        // after getWriter() the type may change but not the charset the writer already encodes with
        super.setContentType(output == Output.WRITER && type != null ? withoutCharset(type) : type);
    }

    // --- the decision ------------------------------------------------------------------------------------------

    /**
     * @param complete the body has ended, so a pending body shorter than MIN_BYTES is the whole body
     */
    private void decide(boolean complete) throws IOException {
        boolean candidate = GzipFilter.isCompressible(getContentType()) && !super.containsHeader(CONTENT_ENCODING);
        if (candidate) {
            addVaryAcceptEncoding();
        }
        boolean small = complete
                ? pendingCount < GzipFilter.MIN_BYTES
                : declaredLength >= 0 && declaredLength < GzipFilter.MIN_BYTES;
        if (candidate && clientAcceptsGzip && !bodyless() && !partial() && !small) {
            startGzip();
        } else {
            startIdentity(complete);
        }
    }

    /** Known at the first write already: these headers will not make a compressible response. */
    private boolean certainlyIdentity() {
        String type = getContentType();
        if (super.containsHeader(CONTENT_ENCODING) || bodyless() || partial()) {
            return true;
        }
        // no type yet: some frameworks set it after the first write, so wait
        return type != null && (!GzipFilter.isCompressible(type) || !clientAcceptsGzip);
    }

    private boolean bodyless() {
        int status = getStatus();
        return head || status == SC_NO_CONTENT || status == SC_NOT_MODIFIED || status < SC_OK;
    }

    /** A range of the identity body cannot be sent gzip-encoded under the same Content-Range. */
    private boolean partial() {
        return getStatus() == SC_PARTIAL_CONTENT || super.containsHeader("Content-Range");
    }

    /** The headers follow with the first compressed bytes (see {@link #sendGzipHeadersAndCommit}). */
    private void startGzip() throws IOException {
        encoder = new GzipEncoder(toConnection);
        state = State.GZIP;
        if (pendingCount > 0) {
            int count = pendingCount;
            pendingCount = 0;
            encoder.write(pending, 0, count);
        }
    }

    /**
     * Where the encoder's buffer drains. Its first bytes carry the gzip headers and commit the response, so no
     * header ever has to be taken back; later bytes just follow.
     */
    private final OutputStream toConnection = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (gzipHeadersSent) {
                sink().write(bytes, offset, length);
            } else {
                sendGzipHeadersAndCommit(bytes, offset, length);
            }
        }

        @Override
        public void flush() throws IOException {
            sink().flush();
        }
    };

    private void sendGzipHeadersAndCommit(byte[] bytes, int offset, int length) throws IOException {
        gzipHeadersSent = true;
        super.setHeader(CONTENT_ENCODING, "gzip");
        super.setContentLengthLong(-1); // "unknown": drops a length forwarded before a resetBuffer()
        String etag = super.getHeader(ETAG);
        if (etag != null && !etag.startsWith("W/")) {
            // a strong validator promises identical bytes, which the gzip body is not (RFC 9110 8.8.1)
            strongEtag = etag;
            super.setHeader(ETAG, "W/" + etag);
        }
        sink().write(bytes, offset, length);
        if (!finishing) {
            sink().flush(); // commit: from here on there is nothing a reset could take back
        }
    }

    private void startIdentity(boolean complete) throws IOException {
        state = State.IDENTITY;
        if (declaredLength >= 0) {
            super.setContentLengthLong(declaredLength);
        } else if (complete && !bodyless()) {
            super.setContentLengthLong(pendingCount);
        }
        if (pendingCount > 0) {
            int count = pendingCount;
            pendingCount = 0;
            sink().write(pending, 0, count);
        }
    }

    private void addVaryAcceptEncoding() {
        for (String value : super.getHeaders(VARY)) {
            for (String field : value.split(",")) {
                String trimmed = field.trim();
                if (trimmed.equalsIgnoreCase("Accept-Encoding") || trimmed.equals("*")) {
                    return;
                }
            }
        }
        super.addHeader(VARY, "Accept-Encoding"); // added, never set: other Vary fields stay
    }

    /**
     * Forgets pending bytes and the decision. Called only before commit, so no gzip header has reached the
     * container: compressed bytes still in the encoder are simply dropped with it.
     */
    private void discardBody() {
        pendingCount = 0;
        if (bodyWriter != null) {
            bodyWriter.discard();
        }
        releaseEncoder();
        if (!abandoned && state != State.CLOSED) {
            state = State.UNDECIDED;
        }
    }

    private void releaseEncoder() {
        if (encoder != null) {
            encoder.end();
            encoder = null;
        }
    }

    private ServletOutputStream sink() throws IOException {
        if (sink == null) {
            sink = super.getOutputStream();
        }
        return sink;
    }

    private static String withoutCharset(String type) {
        StringBuilder kept = new StringBuilder();
        for (String part : type.split(";")) {
            if (kept.isEmpty() || !part.trim().toLowerCase(Locale.ROOT).startsWith("charset=")) {
                kept.append(kept.isEmpty() ? "" : ";").append(part.trim());
            }
        }
        return kept.toString();
    }

    private static Charset charset(String encoding) throws UnsupportedEncodingException {
        try {
            return Charset.forName(encoding);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new UnsupportedEncodingException(encoding);
        }
    }

    /** The stream the application writes to, for both getOutputStream() and (through the writer) getWriter(). */
    private final class Body extends ServletOutputStream implements DeflatedSink {

        private final byte[] single = new byte[1];

        @Override
        public void write(int b) throws IOException {
            single[0] = (byte) b;
            write(single, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, bytes.length);
            if (length == 0) {
                return;
            }
            if (state == State.UNDECIDED && held(bytes, offset, length)) {
                return;
            }
            switch (state) {
                case IDENTITY -> sink().write(bytes, offset, length);
                case GZIP -> encoder.write(bytes, offset, length);
                default -> {
                    // CLOSED: the container ignores writes after close, and so do we
                }
            }
        }

        @Override
        public void writeDeflated(Deflated piece) throws IOException {
            byte[] bytes = piece.bytes();
            if (bytes.length == 0 || state == State.UNDECIDED && held(bytes, 0, bytes.length)) {
                return;
            }
            if (state == State.GZIP) {
                encoder.writeDeflated(piece);
            } else {
                write(bytes, 0, bytes.length);
            }
        }

        /** Undecided: a small start of the body is kept until more shows what it is; else decides now. */
        private boolean held(byte[] bytes, int offset, int length) throws IOException {
            if (pendingCount == 0 && certainlyIdentity()) {
                decide(false);
                return false;
            }
            if (pendingCount + length < GzipFilter.MIN_BYTES) {
                if (pending == null) {
                    pending = new byte[GzipFilter.MIN_BYTES - 1];
                }
                System.arraycopy(bytes, offset, pending, pendingCount, length);
                pendingCount += length;
                return true;
            }
            decide(false);
            return false;
        }

        /** The application's flush: whatever was written must reach the client now. */
        @Override
        public void flush() throws IOException {
            if (state == State.UNDECIDED) {
                decide(false);
            }
            switch (state) {
                case IDENTITY -> sink().flush();
                case GZIP -> encoder.flush();
                default -> {
                    // CLOSED: nothing left to push
                }
            }
        }

        /** The application's close: the body ends and so does the container's stream. */
        @Override
        public void close() throws IOException {
            if (state == State.CLOSED) {
                return;
            }
            if (bodyWriter != null) {
                bodyWriter.drain();
            }
            try {
                end(true);
            } finally {
                releaseEncoder();
                state = State.CLOSED;
            }
        }

        void end(boolean closeSink) throws IOException {
            if (state == State.UNDECIDED) {
                decide(true);
            }
            if (state == State.GZIP) {
                finishing = true;
                encoder.finish();
            }
            if (closeSink) {
                sink().close();
            }
        }

        @Override
        public boolean isReady() {
            try {
                return state == State.UNDECIDED || state == State.CLOSED || sink().isReady();
            } catch (IOException e) {
                return false;
            }
        }

        /**
         * Non-blocking output is passed to the container uncompressed: the deflater's output cannot honour
         * isReady() byte for byte. Agnes' own code writes blocking.
         */
        @Override
        public void setWriteListener(WriteListener listener) {
            try {
                if (state == State.UNDECIDED) {
                    startIdentity(false);
                }
                if (state == State.GZIP) {
                    throw new IllegalStateException("a compressed response cannot switch to non-blocking output");
                }
                sink().setWriteListener(listener);
            } catch (IOException e) {
                throw new IllegalStateException("could not switch to non-blocking output", e);
            }
        }
    }
}
