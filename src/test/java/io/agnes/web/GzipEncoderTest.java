package io.agnes.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GzipEncoderTest {

    @Test
    void nothing_reaches_the_sink_before_a_flush_or_a_full_buffer() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GzipEncoder encoder = new GzipEncoder(sink);
        encoder.write("hello".getBytes(UTF_8), 0, 5);

        assertThat(sink.size()).isZero();
        encoder.finish();
        assertThat(GzipFilterTest.gunzipText(sink.toByteArray())).isEqualTo("hello");
    }

    @Test
    void incompressible_input_larger_than_the_buffer_round_trips() throws IOException {
        byte[] noise = new byte[100_000];
        new Random(42).nextBytes(noise);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GzipEncoder encoder = new GzipEncoder(sink);
        for (int i = 0; i < noise.length; i += 30_000) {
            encoder.write(noise, i, Math.min(30_000, noise.length - i));
            encoder.flush(); // a sync flush of ~30 KB of noise needs several full output buffers
        }
        encoder.finish();

        assertThat(GzipFilterTest.gunzip(sink.toByteArray())).isEqualTo(noise);
    }

    @Test
    void repeated_flushes_without_new_input_add_nothing() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GzipEncoder encoder = new GzipEncoder(sink);
        encoder.write("data: x\n\n".getBytes(UTF_8), 0, 9);
        encoder.flush();
        int afterFirstFlush = sink.size();
        encoder.flush();
        encoder.flush();

        assertThat(sink.size()).isEqualTo(afterFirstFlush);
        assertThat(GzipFilterTest.inflateWhatArrived(sink.toByteArray())).isEqualTo("data: x\n\n");
        encoder.end();
    }

    @Test
    void the_deflater_is_released_even_when_the_client_is_gone() throws IOException {
        OutputStream brokenPipe = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        GzipEncoder encoder = new GzipEncoder(brokenPipe);
        encoder.write("x".repeat(100).getBytes(UTF_8), 0, 100);

        assertThatThrownBy(encoder::finish).isInstanceOf(IOException.class);
        assertThat(encoder.isEnded()).isTrue();
        encoder.end(); // idempotent
    }

    @Test
    void deflated_pieces_anywhere_in_the_body_decode_to_the_same_bytes_with_the_right_checksum_and_length()
            throws IOException {
        byte[] head = "<html><head><title>report</title>".getBytes(UTF_8);
        Deflated snippet = Deflated.of("<script>var posthog = 'stub'; posthog.init('key', {});</script>".repeat(40)
                .getBytes(UTF_8));
        byte[] noise = new byte[40_000];
        new Random(7).nextBytes(noise);
        Deflated incompressible = Deflated.of(noise); // its deflate form is larger than the 8 KB buffer
        // after the pieces, text that repeats what came before them: a deflater that still remembered its own
        // history would refer back across bytes it never saw, and the client would decode garbage
        byte[] tail = ("</head><body>" + "<title>report</title><tr><td>1</td></tr>".repeat(200) + "</body></html>")
                .getBytes(UTF_8);

        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GzipEncoder encoder = new GzipEncoder(sink);
        encoder.writeDeflated(snippet); // first in the body
        encoder.write(head, 0, head.length);
        encoder.writeDeflated(snippet);
        encoder.writeDeflated(Deflated.of(new byte[0]));
        encoder.writeDeflated(incompressible); // two in a row
        encoder.flush();
        encoder.write(tail, 0, tail.length);
        encoder.writeDeflated(snippet); // last
        encoder.finish();

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(snippet.bytes());
        expected.writeBytes(head);
        expected.writeBytes(snippet.bytes());
        expected.writeBytes(noise);
        expected.writeBytes(tail);
        expected.writeBytes(snippet.bytes());
        // GZIPInputStream checks the trailer: CRC-32 and length of everything, the pieces included
        assertThat(GzipFilterTest.gunzip(sink.toByteArray())).isEqualTo(expected.toByteArray());
    }

    @Test
    void a_flush_right_after_a_deflated_piece_makes_it_decodable_without_adding_bytes() throws IOException {
        Deflated piece = Deflated.of("data: shared\n\n".getBytes(UTF_8));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GzipEncoder encoder = new GzipEncoder(sink);
        encoder.write("data: x\n\n".getBytes(UTF_8), 0, 9);
        encoder.writeDeflated(piece);
        encoder.flush();
        int afterFlush = sink.size();
        encoder.flush();

        assertThat(sink.size()).isEqualTo(afterFlush);
        assertThat(GzipFilterTest.inflateWhatArrived(sink.toByteArray())).isEqualTo("data: x\n\ndata: shared\n\n");
        encoder.end();
    }
    @Test
    void pieces_in_a_row_follow_each_other_directly_after_the_one_flush_that_ends_the_page_text_before_them()
            throws IOException {
        // the snippet's kept pieces go in a row: the page's deflater must end its block once, not once per piece
        Deflated first = Deflated.of("<script>var stub = 'the loader';".getBytes(UTF_8));
        Deflated second = Deflated.of(",\"loaded\":function(ph){ph.identify('u-7')}</script>".getBytes(UTF_8));
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GzipEncoder encoder = new GzipEncoder(sink);
        encoder.write("<html><head>".getBytes(UTF_8), 0, 12);
        encoder.writeDeflated(first);
        encoder.writeDeflated(second);
        encoder.write("</head><body></body></html>".getBytes(UTF_8), 0, 27);
        encoder.finish();

        ByteArrayOutputStream inARow = new ByteArrayOutputStream();
        inARow.writeBytes(first.deflated());
        inARow.writeBytes(second.deflated());
        assertThat(indexOf(sink.toByteArray(), inARow.toByteArray())).isPositive();
        assertThat(new String(GzipFilterTest.gunzip(sink.toByteArray()), UTF_8)).isEqualTo("<html><head>"
                + "<script>var stub = 'the loader';,\"loaded\":function(ph){ph.identify('u-7')}</script>"
                + "</head><body></body></html>");
    }

    @Test
    void a_short_page_start_before_a_piece_goes_out_as_a_stored_block_and_the_page_after_it_decodes() throws IOException {
        // a page's head before the snippet: stored as it is rather than a deflate block of its own for every page
        byte[] head = "<!DOCTYPE html><html><head><title>Sources</title>".getBytes(UTF_8);
        Deflated snippet = Deflated.of("<script>posthog.init('key', {});</script>".getBytes(UTF_8));
        byte[] rest = ("</head><body>" + "<title>Sources</title><tr><td>1</td></tr>".repeat(300) + "</body></html>")
                .getBytes(UTF_8);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GzipEncoder encoder = new GzipEncoder(sink);
        encoder.write(head, 0, 10);
        encoder.write(head, 10, head.length - 10);
        encoder.writeDeflated(snippet);
        encoder.write(rest, 0, rest.length);
        encoder.finish();

        byte[] gzip = sink.toByteArray();
        byte[] storedBlock = new byte[5 + head.length];
        storedBlock[1] = (byte) head.length;
        storedBlock[3] = (byte) ~head.length;
        storedBlock[4] = (byte) 0xff;
        System.arraycopy(head, 0, storedBlock, 5, head.length);
        assertThat(indexOf(gzip, storedBlock)).isEqualTo(10); // right after the gzip header
        assertThat(indexOf(gzip, snippet.deflated())).isEqualTo(10 + storedBlock.length);
        assertThat(gzip.length).isLessThan(rest.length / 10); // the page after the piece is compressed
        // the trailer's CRC-32 and length cover all three parts (GZIPInputStream checks them)
        assertThat(new String(GzipFilterTest.gunzip(gzip), UTF_8))
                .isEqualTo(new String(head, UTF_8) + new String(snippet.bytes(), UTF_8) + new String(rest, UTF_8));
    }

    @Test
    void a_piece_after_more_than_a_short_start_resets_the_deflater_so_the_page_after_it_decodes() throws IOException {
        String row = "<tr><td>north</td><td>12345.67</td></tr>\n";
        byte[] before = row.repeat(GzipEncoder.STAGE_LIMIT / row.length() + 1).getBytes(UTF_8); // past the staging
        Deflated snippet = Deflated.of("<script>posthog.init('key', {});</script>".getBytes(UTF_8));
        // the same rows again: a deflater that still remembered them would refer back across the piece it never saw
        byte[] after = row.repeat(50).getBytes(UTF_8);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GzipEncoder encoder = new GzipEncoder(sink);
        encoder.write(before, 0, before.length);
        encoder.writeDeflated(snippet);
        encoder.write(after, 0, after.length);
        encoder.finish();

        assertThat(new String(GzipFilterTest.gunzip(sink.toByteArray()), UTF_8))
                .isEqualTo(new String(before, UTF_8) + new String(snippet.bytes(), UTF_8) + new String(after, UTF_8));
    }

    @Test
    void short_flushed_writes_are_compressed_not_stored() throws IOException {
        // Server-Sent Events: each event is short and flushed; staging them must not turn the stream into stored blocks
        String event = "data: {\"status\":\"running\",\"table\":\"orders\"}\n\n";
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        GzipEncoder encoder = new GzipEncoder(sink);
        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            byte[] bytes = event.getBytes(UTF_8);
            encoder.write(bytes, 0, bytes.length);
            encoder.flush();
            sent.append(event);
            assertThat(GzipFilterTest.inflateWhatArrived(sink.toByteArray())).isEqualTo(sent.toString());
        }
        encoder.finish();

        assertThat(sink.size()).isLessThan(sent.length() / 2);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
