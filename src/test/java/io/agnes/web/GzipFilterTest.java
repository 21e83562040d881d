package io.agnes.web;

import static jakarta.servlet.DispatcherType.ASYNC;
import static jakarta.servlet.DispatcherType.ERROR;
import static jakarta.servlet.DispatcherType.REQUEST;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agnes.testing.InMemoryRequest;
import io.agnes.testing.InMemoryResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GzipFilterTest {

    /** About 6 KB of HTML with two-, three- and four-byte UTF-8 characters. */
    static final String PAGE = "<!doctype html><html><head><title>Agnes</title></head><body>"
            + "<p>Grüße aus Zürich — 数据分析 — 📊 report</p>\n".repeat(120) + "</body></html>";
    static final String JSON = "{\"rows\":[" + "{\"name\":\"Ünïcødé\",\"value\":12345},".repeat(80) + "{}]}";

    private final GzipFilter filter = new GzipFilter();

    // --- compressing ----------------------------------------------------------------------------------------------

    @Test
    void html_through_the_writer_in_one_write_arrives_compressed_and_decodes_to_the_same_page() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().write(PAGE);
        });

        InMemoryResponse response = request.response();
        assertThat(response.headerValues("Content-Encoding")).containsExactly("gzip");
        assertThat(response.headerValues("Vary")).containsExactly("Accept-Encoding");
        assertThat(response.getHeader("Content-Length")).isNull();
        assertThat(response.body().length).isLessThan(PAGE.getBytes(UTF_8).length / 5);
        assertThat(gunzipText(response.body())).isEqualTo(PAGE);
        assertDeflaterReleased(request);
    }

    @Test
    void json_through_the_stream_in_many_one_byte_writes_decodes_to_the_same_document() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("application/json");
            ServletOutputStream out = res.getOutputStream();
            for (byte b : JSON.getBytes(UTF_8)) {
                out.write(b);
            }
        });

        assertThat(request.response().getHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(gunzipText(request.response().body())).isEqualTo(JSON);
    }

    @Test
    void html_through_the_writer_in_many_tiny_writes_decodes_to_the_same_page() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            PrintWriter writer = res.getWriter();
            PAGE.chars().forEach(writer::write); // surrogate pairs arrive one half at a time
        });

        assertThat(gunzipText(request.response().body())).isEqualTo(PAGE);
    }

    @Test
    void writes_with_offsets_send_exactly_the_slices_given() throws Exception {
        byte[] page = PAGE.getBytes(UTF_8);
        byte[] padded = new byte[page.length + 200];
        java.util.Arrays.fill(padded, (byte) '#');
        System.arraycopy(page, 0, padded, 100, page.length);
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            ServletOutputStream out = res.getOutputStream();
            int position = 100;
            int[] sizes = {1, 7, 500, 1023, 1, 4096}; // small, across the threshold, larger than a buffer
            for (int i = 0; position < 100 + page.length; i++) {
                int length = Math.min(sizes[i % sizes.length], 100 + page.length - position);
                out.write(padded, position, length);
                position += length;
            }
        });

        assertThat(gunzip(request.response().body())).isEqualTo(page);
    }

    @Test
    void multi_byte_utf8_split_across_stream_writes_survives() throws Exception {
        byte[] page = PAGE.getBytes(UTF_8);
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            ServletOutputStream out = res.getOutputStream();
            for (int i = 0; i < page.length; i += 3) { // 3-byte slices cut most characters in two
                out.write(page, i, Math.min(3, page.length - i));
            }
        });

        assertThat(gunzipText(request.response().body())).isEqualTo(PAGE);
    }

    @Test
    void the_writer_encodes_with_the_response_character_encoding() throws Exception {
        String latin = "Café crème brûlée. ".repeat(100);
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/plain;charset=ISO-8859-1");
            res.getWriter().print(latin);
        });

        assertThat(request.response().getContentType()).isEqualTo("text/plain;charset=ISO-8859-1");
        assertThat(gunzip(request.response().body())).isEqualTo(latin.getBytes(ISO_8859_1));
    }

    @Test
    void a_content_type_set_after_the_first_write_still_counts() throws Exception {
        InMemoryRequest viaStream = browser();
        run(viaStream, (req, res) -> {
            ServletOutputStream out = res.getOutputStream();
            out.write(JSON.getBytes(UTF_8), 0, 300);
            res.setContentType("application/json");
            out.write(JSON.getBytes(UTF_8), 300, JSON.getBytes(UTF_8).length - 300);
        });
        assertThat(viaStream.response().getHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(gunzipText(viaStream.response().body())).isEqualTo(JSON);

        InMemoryRequest viaWriter = browser();
        run(viaWriter, (req, res) -> {
            res.setCharacterEncoding("UTF-8");
            res.getWriter().print(PAGE.substring(0, 300));
            res.setContentType("text/html");
            res.getWriter().print(PAGE.substring(300));
        });
        assertThat(viaWriter.response().getHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(viaWriter.response().getContentType()).isEqualTo("text/html;charset=UTF-8");
        assertThat(gunzipText(viaWriter.response().body())).isEqualTo(PAGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/css", "text/javascript", "application/javascript", "application/problem+json",
            "application/vnd.api+json; charset=utf-8", "application/xml", "application/atom+xml", "image/svg+xml",
            "application/xhtml+xml", "text/plain;charset=UTF-8", "TEXT/CSV"})
    void every_textual_type_is_compressed(String type) throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType(type);
            res.getOutputStream().write(PAGE.getBytes(UTF_8));
        });

        assertThat(request.response().getHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(gunzipText(request.response().body())).isEqualTo(PAGE);
    }

    @Test
    void a_declared_content_length_is_dropped_and_a_strong_etag_weakened_when_compressing() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("application/json");
            res.setHeader("ETag", "\"v42\"");
            res.setContentLength(JSON.getBytes(UTF_8).length);
            res.getOutputStream().write(JSON.getBytes(UTF_8));
        });

        InMemoryResponse response = request.response();
        assertThat(response.getHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(response.getHeader("Content-Length")).isNull();
        assertThat(response.getHeader("ETag")).isEqualTo("W/\"v42\"");
        assertThat(gunzipText(response.body())).isEqualTo(JSON);
    }

    @Test
    void inner_layers_see_the_uncompressed_view_of_the_headers() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.setHeader("ETag", "\"v7\"");
            res.setContentLength(PAGE.getBytes(UTF_8).length);
            res.getWriter().print(PAGE);
            res.flushBuffer(); // compressed bytes are on the wire now

            assertThat(res.getHeader("Content-Encoding")).isNull();
            assertThat(res.containsHeader("Content-Encoding")).isFalse();
            assertThat(res.getHeaderNames()).doesNotContain("Content-Encoding").contains("Content-Length");
            assertThat(res.getHeader("Content-Length")).isEqualTo(String.valueOf(PAGE.getBytes(UTF_8).length));
            assertThat(res.getHeader("ETag")).isEqualTo("\"v7\"");
        });

        assertThat(request.response().getHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(request.response().getHeader("ETag")).isEqualTo("W/\"v7\"");
    }

    @Test
    void the_gzip_headers_reach_the_container_only_with_the_first_compressed_bytes_which_commit() throws Exception {
        byte[] noise = new byte[40_000]; // compresses badly: the encoder's 8 KB buffer fills during the write
        new java.util.Random(3).nextBytes(noise);
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/plain");
            res.getOutputStream().write(noise, 0, 2000);
            assertThat(request.response().containsHeader("Content-Encoding")).isFalse();
            assertThat(res.isCommitted()).isFalse();

            res.getOutputStream().write(noise, 2000, noise.length - 2000);
            assertThat(request.response().getHeader("Content-Encoding")).isEqualTo("gzip");
            assertThat(res.isCommitted()).isTrue();
        });

        assertThat(gunzip(request.response().body())).isEqualTo(noise);
    }

    @Test
    void an_existing_vary_keeps_its_fields_and_accept_encoding_is_never_listed_twice() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html");
            res.addHeader("Vary", "Origin");
            res.getWriter().print(PAGE);
        });
        assertThat(request.response().headerValues("Vary")).containsExactly("Origin", "Accept-Encoding");

        InMemoryRequest already = browser();
        run(already, (req, res) -> {
            res.setContentType("text/html");
            res.setHeader("Vary", "Origin, accept-encoding");
            res.getWriter().print(PAGE);
        });
        assertThat(already.response().headerValues("Vary")).containsExactly("Origin, accept-encoding");
    }

    @Test
    void several_accept_encoding_lines_are_read_together() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/").header("Accept-Encoding", "br")
                .header("Accept-Encoding", "gzip;q=0.5");
        run(request, writesPage("text/html"));

        assertThat(request.response().getHeader("Content-Encoding")).isEqualTo("gzip");
    }

    // --- flushing and streaming -----------------------------------------------------------------------------------

    @Test
    void flush_buffer_delivers_decodable_data_mid_stream() throws Exception {
        String first = PAGE.substring(0, 3000);
        String rest = PAGE.substring(3000);
        AtomicReference<String> seenByClientAfterFlush = new AtomicReference<>();
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print(first);
            res.flushBuffer();
            seenByClientAfterFlush.set(inflateWhatArrived(request.response().sentBytes()));
            res.getWriter().print(rest);
        });

        assertThat(seenByClientAfterFlush.get()).isEqualTo(first);
        assertThat(gunzipText(request.response().body())).isEqualTo(PAGE);
    }

    @Test
    void each_flush_of_a_stream_pushes_the_new_events_to_the_client() throws Exception {
        InMemoryRequest request = browser();
        StringBuilder expected = new StringBuilder();
        run(request, (req, res) -> {
            res.setContentType("application/json");
            ServletOutputStream out = res.getOutputStream();
            for (int i = 0; i < 5; i++) {
                String line = "{\"progress\":" + i + "}\n";
                expected.append(line);
                out.write(line.getBytes(UTF_8));
                out.flush();
                assertThat(inflateWhatArrived(request.response().sentBytes())).isEqualTo(expected.toString());
            }
        });

        // a flush before 1 KB means streaming: compressed although the body ends small
        assertThat(request.response().getHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(gunzipText(request.response().body())).isEqualTo(expected.toString());
    }

    @Test
    void a_flushed_body_declared_small_by_its_content_length_is_not_compressed() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("application/json");
            res.setContentLength(11);
            res.getOutputStream().write("{\"ok\":true}".getBytes(UTF_8));
            res.flushBuffer();
        });

        assertThat(request.response().getHeader("Content-Encoding")).isNull();
        assertThat(request.response().getHeader("Content-Length")).isEqualTo("11");
        assertThat(request.response().bodyText()).isEqualTo("{\"ok\":true}");
    }

    @Test
    void server_sent_events_stream_unbuffered() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/event-stream");
            res.getOutputStream().write("data: one\n\n".getBytes(UTF_8));
            // not held back by the filter: already in the container's buffer, before any flush
            assertThat(new String(request.response().body(), UTF_8)).isEqualTo("data: one\n\n");
            res.flushBuffer();
            assertThat(new String(request.response().sentBytes(), UTF_8)).isEqualTo("data: one\n\n");
        });

        assertThat(request.response().getHeader("Content-Encoding")).isNull();
        assertThat(request.response().getHeader("Vary")).isNull();
    }

    // --- left alone -----------------------------------------------------------------------------------------------

    @Test
    void a_body_below_one_kilobyte_is_sent_as_is_with_its_length() throws Exception {
        String small = PAGE.substring(0, 400);
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print(small);
        });

        InMemoryResponse response = request.response();
        assertThat(response.getHeader("Content-Encoding")).isNull();
        assertThat(response.getHeader("Content-Length")).isEqualTo(String.valueOf(small.getBytes(UTF_8).length));
        assertThat(response.getHeader("Vary")).isEqualTo("Accept-Encoding"); // a larger one would be compressed
        assertThat(response.bodyText()).isEqualTo(small);
    }

    @Test
    void a_body_of_exactly_one_kilobyte_is_compressed() throws Exception {
        byte[] body = "<p>plain ASCII</p>\n".repeat(60).substring(0, 1024).getBytes(ISO_8859_1);
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/plain");
            res.getOutputStream().write(body, 0, 1000);
            res.getOutputStream().write(body, 1000, 24);
        });

        assertThat(request.response().getHeader("Content-Encoding")).isEqualTo("gzip");
        assertThat(gunzip(request.response().body())).isEqualTo(body);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // case                 | method | status | type                | encoding | accept-encoding    | vary
            "HEAD                   | HEAD   | 200    | text/html           |          | gzip               | true",
            "204 No Content         | GET    | 204    | application/json    |          | gzip               | true",
            "304 Not Modified       | GET    | 304    | text/html           |          | gzip               | true",
            "206 Partial Content    | GET    | 206    | text/css            |          | gzip               | true",
            "Server-Sent Events     | GET    | 200    | text/event-stream   |          | gzip               | false",
            "already encoded        | GET    | 200    | text/html           | br       | gzip               | false",
            "not textual            | GET    | 200    | image/png           |          | gzip               | false",
            "no type at all         | GET    | 200    |                     |          | gzip               | false",
            "no Accept-Encoding     | GET    | 200    | text/html           |          |                    | true",
            "gzip;q=0               | GET    | 200    | text/html           |          | gzip;q=0, deflate  | true",
            "only identity          | GET    | 200    | text/html           |          | identity           | true",
    })
    void left_alone(String description, String method, int status, String type, String encoding,
                    String acceptEncoding, boolean vary) throws Exception {
        byte[] body = PAGE.getBytes(UTF_8);
        InMemoryRequest request = new InMemoryRequest(method, "/page");
        if (acceptEncoding != null) {
            request.header("Accept-Encoding", acceptEncoding);
        }
        run(request, (req, res) -> {
            HttpServletResponse http = res;
            http.setStatus(status);
            if (type != null) {
                http.setContentType(type);
            }
            if (encoding != null) {
                http.setHeader("Content-Encoding", encoding);
            }
            if (status != 204 && status != 304) {
                http.getOutputStream().write(body);
            }
        });

        InMemoryResponse response = request.response();
        assertThat(response.headerValues("Content-Encoding")).isEqualTo(encoding == null
                ? Collections.emptyList() : java.util.List.of(encoding));
        assertThat(response.getHeader("Vary") != null).as("Vary: Accept-Encoding").isEqualTo(vary);
        assertThat(response.body()).isEqualTo(status == 204 || status == 304 ? new byte[0] : body);
    }

    @Test
    void a_head_response_keeps_the_length_the_application_declared() throws Exception {
        InMemoryRequest request = new InMemoryRequest("HEAD", "/page").header("Accept-Encoding", "gzip");
        run(request, (req, res) -> {
            res.setContentType("text/html");
            res.setContentLength(5000); // the GET body's length; a HEAD has no body
        });

        assertThat(request.response().getHeader("Content-Length")).isEqualTo("5000");
        assertThat(request.response().getHeader("Content-Encoding")).isNull();
    }

    @Test
    void a_non_textual_body_keeps_its_declared_length() throws Exception {
        byte[] png = new byte[5000];
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("image/png");
            res.setContentLengthLong(png.length);
            res.getOutputStream().write(png);
        });

        assertThat(request.response().getHeader("Content-Length")).isEqualTo("5000");
        assertThat(request.response().body()).isEqualTo(png);
    }

    // --- reset, errors, redirects ---------------------------------------------------------------------------------

    @Test
    void reset_before_commit_forgets_the_pending_body_and_the_decision() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getOutputStream().write(PAGE.getBytes(UTF_8), 0, 2000);
            assertThat(GzipResponse.findIn(res).isCompressing()).as("decided").isTrue();
            assertThat(res.isCommitted()).isFalse();
            res.reset();
            res.setContentType("text/plain;charset=UTF-8");
            res.getWriter().print("Try again."); // reset() also frees the writer/stream choice
        });

        InMemoryResponse response = request.response();
        assertThat(response.getHeader("Content-Encoding")).isNull();
        assertThat(response.getHeader("Content-Length")).isEqualTo("10");
        assertThat(response.bodyText()).isEqualTo("Try again.");
        assertDeflaterReleased(request);
    }

    @Test
    void reset_buffer_before_commit_forgets_compressed_bytes_and_characters_still_in_the_writer() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("application/json");
            res.setCharacterEncoding("UTF-8");
            res.getOutputStream().write(JSON.getBytes(UTF_8)); // decided: gzip, header already in the buffer
            res.resetBuffer();
            res.getOutputStream().write("{\"retry\":true}".getBytes(UTF_8));
        });
        assertThat(request.response().getHeader("Content-Encoding")).isNull();
        assertThat(request.response().bodyText()).isEqualTo("{\"retry\":true}");

        InMemoryRequest viaWriter = browser();
        run(viaWriter, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print(PAGE); // still inside the writer's encoder, not yet in the filter
            res.resetBuffer();
            res.getWriter().print("<p>short</p>");
        });
        assertThat(viaWriter.response().bodyText()).isEqualTo("<p>short</p>");
        assertThat(viaWriter.response().getHeader("Content-Length")).isEqualTo("12");
    }

    @Test
    void send_error_passes_through_and_the_error_page_is_compressed_once_at_the_error_dispatch() throws Exception {
        String errorPage = "<html><body>" + "<p>Not here.</p>".repeat(100) + "</body></html>";
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html");
            res.getOutputStream().write(PAGE.getBytes(UTF_8)); // the page fails half-way
            assertThat(GzipResponse.findIn(res).isCompressing()).as("decided").isTrue();
            assertThat(res.isCommitted()).isFalse(); // the container's 8 KB buffer holds it all
            res.sendError(404, "gone");
        });
        assertThat(request.response().getStatus()).isEqualTo(404);
        assertThat(request.response().getHeader("Content-Encoding")).as("never reached the container").isNull();
        assertDeflaterReleased(request);

        request.dispatch(ERROR, () -> filter.doFilter(request, request.response(), (req, res) -> {
            res.setContentType("text/html");
            res.getWriter().print(errorPage);
        }));

        InMemoryResponse response = request.response();
        assertThat(response.headerValues("Content-Encoding")).containsExactly("gzip");
        assertThat(response.headerValues("Vary")).containsExactly("Accept-Encoding");
        assertThat(gunzipText(response.body())).isEqualTo(errorPage);
    }

    @Test
    void a_dispatch_that_throws_before_commit_leaves_the_error_page_to_a_fresh_compression() throws Exception {
        String errorPage = "{\"detail\":\"" + "Internal error. ".repeat(100) + "\"}";
        InMemoryRequest request = browser();
        assertThatThrownBy(() -> run(request, (req, res) -> {
            res.setContentType("application/json");
            res.getOutputStream().write(JSON.getBytes(UTF_8));
            throw new ServletException("boom");
        })).hasMessage("boom");
        assertThat(request.response().getHeader("Content-Encoding")).isNull();
        assertDeflaterReleased(request);

        request.response().setStatus(500);
        request.dispatch(ERROR, () -> filter.doFilter(request, request.response(), (req, res) -> {
            res.setContentType("application/json");
            res.getOutputStream().write(errorPage.getBytes(UTF_8));
        }));

        assertThat(request.response().headerValues("Content-Encoding")).containsExactly("gzip");
        assertThat(gunzipText(request.response().body())).isEqualTo(errorPage);
    }

    @Test
    void an_error_dispatch_over_the_already_compressing_response_does_not_compress_again() throws Exception {
        AtomicReference<ServletResponse> wrapped = new AtomicReference<>();
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            wrapped.set(res);
            req.startAsync(req, res); // the container will dispatch with these wrapped objects
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print(PAGE);
            res.getWriter().flush();
        });

        request.dispatch(ERROR, () -> filter.doFilter(request, wrapped.get(), (req, res) -> {
            assertThat(res).isSameAs(wrapped.get());
            res.getWriter().print("<p>and an error after it</p>");
        })); // the container completes the async cycle after its error dispatch

        assertThat(request.response().headerValues("Content-Encoding")).containsExactly("gzip");
        assertThat(gunzipText(request.response().body())).isEqualTo(PAGE + "<p>and an error after it</p>");
    }

    @Test
    void an_error_dispatch_handed_the_abandoned_wrapper_compresses_the_error_page_once() throws Exception {
        String errorPage = "<html><body>" + "<p>Forbidden.</p>".repeat(100) + "</body></html>";
        AtomicReference<ServletResponse> wrapped = new AtomicReference<>();
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            wrapped.set(res);
            res.setContentType("text/html");
            res.getWriter().print(PAGE);
            res.sendError(403);
        });

        // some containers dispatch the error page with the wrappers the application used
        request.dispatch(ERROR, () -> filter.doFilter(request, wrapped.get(), (req, res) -> {
            res.setContentType("text/html");
            res.getOutputStream().write(errorPage.getBytes(UTF_8)); // the page had used the writer: no matter
        }));

        assertThat(request.response().headerValues("Content-Encoding")).containsExactly("gzip");
        assertThat(gunzipText(request.response().body())).isEqualTo(errorPage);
    }

    @Test
    void send_redirect_passes_through_untouched() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html");
            res.getWriter().print(PAGE);
            res.sendRedirect("/login");
        });

        InMemoryResponse response = request.response();
        assertThat(response.getStatus()).isEqualTo(302);
        assertThat(response.getHeader("Location")).isEqualTo("/login");
        assertThat(response.getHeader("Content-Encoding")).isNull();
        assertThat(response.body()).isEmpty();
    }

    @Test
    void get_writer_and_get_output_stream_exclude_each_other() throws Exception {
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.getWriter();
            assertThatThrownBy(res::getOutputStream).isInstanceOf(IllegalStateException.class);
        });
        InMemoryRequest other = browser();
        run(other, (req, res) -> {
            res.getOutputStream();
            assertThatThrownBy(res::getWriter).isInstanceOf(IllegalStateException.class);
        });
    }

    @Test
    void closing_the_writer_ends_the_body_like_the_container_does_after_a_forward() throws Exception {
        String small = "<p>a small JSP page</p>";
        InMemoryRequest request = browser();
        run(request, (req, res) -> {
            res.setContentType("text/html");
            res.getWriter().print(small);
            res.getWriter().close();
            res.getWriter().print("ignored after close");
        });

        assertThat(request.response().isClosed()).isTrue();
        assertThat(request.response().getHeader("Content-Length")).isEqualTo(String.valueOf(small.length()));
        assertThat(request.response().bodyText()).isEqualTo(small);
    }

    @Test
    void a_client_that_went_away_fails_the_write_and_the_deflater_is_still_released() {
        byte[] incompressible = new byte[50_000]; // fills the 8 KB output buffer while the application writes
        new java.util.Random(7).nextBytes(incompressible);
        InMemoryRequest request = browser();
        assertThatThrownBy(() -> filter.doFilter(request, brokenPipe(), (req, res) -> {
            res.setContentType("text/plain");
            res.getOutputStream().write(incompressible);
        })).isInstanceOf(IOException.class).hasMessage("Broken pipe");
        assertDeflaterReleased(request);

        // an application that swallows the failure: the filter's own finish meets it again, and reports it
        InMemoryRequest swallowing = browser();
        assertThatThrownBy(() -> filter.doFilter(swallowing, brokenPipe(), (req, res) -> {
            res.setContentType("text/plain");
            try {
                res.getOutputStream().write(incompressible);
            } catch (IOException ignored) {
                // the application carries on
            }
        })).isInstanceOf(IOException.class).hasMessage("Broken pipe");
        assertDeflaterReleased(swallowing);
    }

    /** A container response whose client has gone: every byte that reaches the connection fails. */
    private static HttpServletResponse brokenPipe() {
        return new InMemoryResponse() {
            @Override
            public ServletOutputStream getOutputStream() {
                return new ServletOutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("Broken pipe");
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        throw new IOException("Broken pipe");
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setWriteListener(jakarta.servlet.WriteListener listener) {
                        throw new UnsupportedOperationException();
                    }
                };
            }
        };
    }

    // --- async ----------------------------------------------------------------------------------------------------

    @Nested
    class Async {

        @Test
        void the_body_ends_when_the_async_context_completes_not_when_the_dispatch_returns() throws Exception {
            AtomicReference<ServletResponse> wrapped = new AtomicReference<>();
            InMemoryRequest request = browser();
            run(request, (req, res) -> {
                req.startAsync();
                wrapped.set(res); // like a JAX-RS AsyncResponse, written later from another thread
                res.setContentType("application/json");
            });
            assertThat(request.isAsyncStarted()).isTrue();
            assertThat(request.response().body()).as("nothing finished at dispatch return").isEmpty();

            wrapped.get().getOutputStream().write(JSON.getBytes(UTF_8));
            request.getAsyncContext().complete();

            assertThat(request.response().getHeader("Content-Encoding")).isEqualTo("gzip");
            assertThat(gunzipText(request.response().body())).isEqualTo(JSON);
            assertDeflaterReleased(request);
        }

        @Test
        void a_small_async_body_is_sent_as_is_with_its_length_on_completion() throws Exception {
            AtomicReference<ServletResponse> wrapped = new AtomicReference<>();
            InMemoryRequest request = browser();
            run(request, (req, res) -> {
                req.startAsync();
                wrapped.set(res);
            });
            wrapped.get().setContentType("application/json");
            wrapped.get().getOutputStream().write("{\"ok\":true}".getBytes(UTF_8));
            request.getAsyncContext().complete();

            assertThat(request.response().getHeader("Content-Length")).isEqualTo("11");
            assertThat(request.response().bodyText()).isEqualTo("{\"ok\":true}");
        }

        @Test
        void an_async_dispatch_with_the_unwrapped_response_writes_through_the_same_compressor() throws Exception {
            InMemoryRequest request = browser();
            run(request, (req, res) -> {
                AsyncContext async = req.startAsync(); // the original objects: the ASYNC dispatch gets those
                res.setContentType("text/html;charset=UTF-8");
                res.getWriter().print(PAGE.substring(0, 2000));
                res.getWriter().flush();
                async.dispatch();
            });

            request.dispatch(ASYNC, () -> filter.doFilter(request, request.response(), (req, res) -> {
                assertThat(res).isNotSameAs(request.response());
                res.getWriter().print(PAGE.substring(2000));
            }));

            assertThat(request.response().headerValues("Content-Encoding")).containsExactly("gzip");
            assertThat(request.response().isClosed()).isTrue();
            assertThat(gunzipText(request.response().body())).isEqualTo(PAGE);
        }

        @Test
        void a_new_async_cycle_started_at_the_async_dispatch_is_still_finished() throws Exception {
            InMemoryRequest request = browser();
            run(request, (req, res) -> req.startAsync().dispatch());
            AtomicReference<ServletResponse> wrapped = new AtomicReference<>();
            request.dispatch(ASYNC, () -> filter.doFilter(request, request.response(), (req, res) -> {
                req.startAsync();
                wrapped.set(res);
            }));

            wrapped.get().setContentType("text/html;charset=UTF-8");
            wrapped.get().getWriter().print(PAGE);
            request.getAsyncContext().complete();

            assertThat(gunzipText(request.response().body())).isEqualTo(PAGE);
        }

        @Test
        void async_started_on_the_container_request_past_the_filter_is_still_finished() throws Exception {
            AtomicReference<ServletResponse> wrapped = new AtomicReference<>();
            InMemoryRequest request = browser();
            run(request, (req, res) -> {
                request.startAsync(); // the container's request, e.g. through a CDI-injected HttpServletRequest
                wrapped.set(res);
            });

            wrapped.get().setContentType("text/html;charset=UTF-8");
            wrapped.get().getWriter().print(PAGE);
            request.getAsyncContext().complete();

            assertThat(gunzipText(request.response().body())).isEqualTo(PAGE);
            assertDeflaterReleased(request);
        }

        @Test
        void non_blocking_output_passes_through_uncompressed() throws Exception {
            InMemoryRequest request = browser();
            run(request, (req, res) -> {
                AsyncContext async = req.startAsync();
                res.setContentType("application/json");
                ServletOutputStream out = res.getOutputStream();
                out.setWriteListener(new jakarta.servlet.WriteListener() {
                    @Override
                    public void onWritePossible() throws IOException {
                        out.write(JSON.getBytes(UTF_8));
                        async.complete();
                    }

                    @Override
                    public void onError(Throwable failure) {
                        throw new AssertionError(failure);
                    }
                });
            });

            assertThat(request.response().getHeader("Content-Encoding")).isNull();
            assertThat(new String(request.response().body(), UTF_8)).isEqualTo(JSON);
        }

        @Test
        void complete_called_during_the_dispatch_finishes_once_the_dispatch_returns() throws Exception {
            InMemoryRequest request = browser();
            run(request, (req, res) -> {
                AsyncContext async = req.startAsync();
                res.setContentType("text/html;charset=UTF-8");
                res.getWriter().print(PAGE);
                async.complete(); // another thread may do this before the filter returns
            });

            assertThat(gunzipText(request.response().body())).isEqualTo(PAGE);
        }
    }

    // --- header parsing -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "gzip                        | true",
            "GZIP                        | true",
            "gzip, deflate, br, zstd     | true",
            "br;q=1.0, gzip;q=0.8, *;q=0.1 | true",
            "x-gzip                      | true",
            "*                           | true",
            "gzip;q=0.001                | true",
            "gzip ; Q=0.5                | true",
            "gzip;q=0                    | false",
            "gzip;q=0.000                | false",
            "gzip;q=0, *                 | false",
            "*;q=0                       | false",
            "deflate, br                 | false",
            "identity                    | false",
            "gzip;q=nonsense             | false",
            "''                          | false",
    })
    void accept_encoding(String header, boolean accepted) {
        assertThat(GzipFilter.acceptsGzip(Collections.enumeration(java.util.List.of(header)))).isEqualTo(accepted);
    }

    @Test
    void no_accept_encoding_header_means_no_gzip() {
        assertThat(GzipFilter.acceptsGzip(Collections.emptyEnumeration())).isFalse();
        assertThat(GzipFilter.acceptsGzip(null)).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "text/html;charset=UTF-8 | true", "application/json | true", "application/geo+json | true",
            "image/svg+xml | true", "application/rss+xml | true", "text/event-stream | false",
            "text/event-stream;charset=UTF-8 | false", "image/png | false", "application/octet-stream | false",
            "application/zip | false", "font/woff2 | false", "video/mp4+json | false",
    })
    void compressible_types(String type, boolean compressible) {
        assertThat(GzipFilter.isCompressible(type)).isEqualTo(compressible);
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    private static InMemoryRequest browser() {
        return InMemoryRequest.get("/page").header("Accept-Encoding", "gzip, deflate, br");
    }

    private static Application writesPage(String type) {
        return (req, res) -> {
            res.setContentType(type);
            res.getOutputStream().write(PAGE.getBytes(UTF_8));
        };
    }

    /** The application behind the filter (the rest of the chain), with the HTTP types. */
    @FunctionalInterface
    interface Application {
        void handle(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException;
    }

    /** One REQUEST dispatch through the filter, then whatever the container does when it returns. */
    private void run(InMemoryRequest request, Application application) throws IOException, ServletException {
        FilterChain chain = (req, res) -> application.handle((HttpServletRequest) req, (HttpServletResponse) res);
        request.dispatch(REQUEST, () -> filter.doFilter(request, request.response(), chain));
    }

    /** The filter's wrapper for this request released its deflater's native memory. */
    private static void assertDeflaterReleased(InMemoryRequest request) {
        assertThat(((GzipResponse) request.getAttribute(GzipFilter.RESPONSE_ATTRIBUTE)).holdsDeflater()).isFalse();
    }

    static byte[] gunzip(byte[] body) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    static String gunzipText(byte[] body) throws IOException {
        return new String(gunzip(body), UTF_8);
    }

    /** What a browser can decode from an unfinished gzip stream: everything up to the last flush. */
    static String inflateWhatArrived(byte[] partial) throws IOException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(partial, 10, partial.length - 10); // after the fixed 10-byte gzip header
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            int n;
            while ((n = inflater.inflate(chunk)) > 0) {
                out.write(chunk, 0, n);
            }
            return out.toString(UTF_8);
        } catch (DataFormatException e) {
            throw new IOException("not a deflate stream", e);
        } finally {
            inflater.end();
        }
    }
}
