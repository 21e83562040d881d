package io.agnes.web;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.Charset;

/**
 * The writer a body-rewriting response hands out, encoding chars into its byte body. The encoder is replaceable
 * so that {@code reset()}/{@code resetBuffer()} also drop characters it still buffers ({@link #discard()}). Its
 * flush and close are the application's and reach the body; {@link #drain()} moves the encoded bytes into the body
 * without the flush, which would push a small body out before the response decided how to send it.
 */
final class BodyWriter extends Writer {

    private final OutputStream body;
    private final Charset charset;
    private OutputStreamWriter encoder;

    private final OutputStream intoBody = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            body.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            body.write(bytes, offset, length);
        }
        // flush() and close() stay no-ops: the writer decides when the body flushes or ends
    };

    /** @param body the response's body; its close() must {@link #drain()} this writer first */
    BodyWriter(OutputStream body, Charset charset) {
        this.body = body;
        this.charset = charset;
    }

    private OutputStreamWriter encoder() {
        if (encoder == null) {
            encoder = new OutputStreamWriter(intoBody, charset);
        }
        return encoder;
    }

    @Override
    public void write(int c) throws IOException {
        encoder().write(c);
    }

    @Override
    public void write(char[] chars, int offset, int length) throws IOException {
        encoder().write(chars, offset, length);
    }

    @Override
    public void write(String text, int offset, int length) throws IOException {
        encoder().write(text, offset, length);
    }

    @Override
    public void flush() throws IOException {
        drain();
        body.flush();
    }

    @Override
    public void close() throws IOException {
        body.close(); // drains first
    }

    /** The chars written so far go into the body as bytes, without flushing it. */
    void drain() throws IOException {
        if (encoder != null) {
            encoder.flush();
        }
    }

    /** Forgets the chars not yet drained: the body they belonged to was discarded. */
    void discard() {
        encoder = null;
    }
}
