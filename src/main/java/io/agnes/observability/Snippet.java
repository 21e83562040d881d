package io.agnes.observability;

import io.agnes.web.Deflated;
import io.agnes.web.DeflatedSink;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One response's snippet as the injector writes it: text pieces in order, never joined. The pieces every page
 * shares (the stub loader and the shared options, nine tenths of the text) come from {@link SnippetRenderer.Prepared}
 * already encoded, so a page whose charset writes ASCII as ASCII gets them copied as they are: no 3 KB string built,
 * scanned and encoded again for every page (docs/performance.md, "What was changed").
 */
public final class Snippet {

    private final String[] texts;
    /** {@code bytes[i]}: {@code texts[i]} as ASCII bytes, or {@code null} when that piece is not ASCII. */
    private final byte[][] bytes;
    /** {@code deflated[i]}: the same bytes with their deflate form, for a shared piece; else {@code null}. */
    private final Deflated[] deflated;
    private final boolean ascii;
    private final int asciiLength;

    private Snippet(String[] texts, byte[][] bytes, Deflated[] deflated) {
        this.texts = texts;
        this.bytes = bytes;
        this.deflated = deflated;
        boolean allAscii = true;
        int length = 0;
        for (byte[] piece : bytes) {
            if (piece == null) {
                allAscii = false;
            } else {
                length += piece.length;
            }
        }
        this.ascii = allAscii;
        this.asciiLength = allAscii ? length : -1;
    }

    /** A snippet of one piece (tests, other sources). */
    public static Snippet of(String text) {
        return new Snippet(new String[] {Objects.requireNonNull(text, "text")}, new byte[][] {asciiBytes(text)},
                new Deflated[1]);
    }

    /** Pieces, each with its ASCII bytes when it has them. */
    static Snippet of(Piece... pieces) {
        String[] texts = new String[pieces.length];
        byte[][] bytes = new byte[pieces.length][];
        Deflated[] deflated = new Deflated[pieces.length];
        for (int i = 0; i < pieces.length; i++) {
            texts[i] = pieces[i].text;
            bytes[i] = pieces[i].ascii;
            deflated[i] = pieces[i].deflated;
        }
        return new Snippet(texts, bytes, deflated);
    }

    /** The whole text. */
    public String text() {
        return texts.length == 1 ? texts[0] : String.join("", texts);
    }

    public boolean isEmpty() {
        for (String text : texts) {
            if (!text.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Whether every character is ASCII: then {@link #writeAscii} writes it in any ASCII-compatible charset. */
    boolean ascii() {
        return ascii;
    }

    /** Bytes {@link #writeAscii} writes; only when {@link #ascii()}. */
    int asciiLength() {
        return asciiLength;
    }

    void writeAscii(OutputStream out) throws IOException {
        if (!ascii) {
            throw new IllegalStateException("not ASCII");
        }
        // a gzip body takes a shared piece as compressed once, instead of deflating it again for every page
        DeflatedSink compressing = out instanceof DeflatedSink sink ? sink : null;
        for (int i = 0; i < bytes.length; i++) {
            if (compressing != null && deflated[i] != null) {
                compressing.writeDeflated(deflated[i]);
            } else {
                out.write(bytes[i]);
            }
        }
    }

    void writeTo(Writer out) throws IOException {
        for (String text : texts) {
            out.write(text);
        }
    }

    @Override
    public String toString() {
        return text();
    }

    /** A piece's ASCII bytes, or {@code null} when it has another character. */
    static byte[] asciiBytes(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return null;
            }
        }
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A piece of text with its ASCII bytes (or {@code null}), encoded once however many pages it goes into; a
     * shared piece also with its deflate form.
     */
    record Piece(String text, byte[] ascii, Deflated deflated) {

        static Piece of(String text) {
            return new Piece(text, asciiBytes(text), null);
        }

        /** Text known to be ASCII (checked by the caller), spared the scan {@link #of} makes: a piece of every page. */
        static Piece ofAscii(String text) {
            return new Piece(text, text.getBytes(StandardCharsets.US_ASCII), null);
        }

        /** For text in every page: compressed now, once. */
        static Piece shared(String text) {
            byte[] ascii = asciiBytes(text);
            return new Piece(text, ascii, ascii == null ? null : Deflated.of(ascii));
        }
    }
}
