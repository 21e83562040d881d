package io.agnes.web;

import java.io.IOException;

/**
 * A response body that can take {@link Deflated} bytes: a compressed body uses their deflate form, any other
 * writes the bytes. Implemented by the body of {@link GzipFilter}'s responses, for the snippet injector that sits
 * inside it.
 */
public interface DeflatedSink {

    /** Writes {@code piece.bytes()}, exactly as {@code write(piece.bytes())} would appear to the client. */
    void writeDeflated(Deflated piece) throws IOException;
}
