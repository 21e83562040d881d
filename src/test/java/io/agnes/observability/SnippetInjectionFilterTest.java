package io.agnes.observability;

import static jakarta.servlet.DispatcherType.ASYNC;
import static jakarta.servlet.DispatcherType.ERROR;
import static jakarta.servlet.DispatcherType.REQUEST;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_16;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agnes.testing.InMemoryRequest;
import io.agnes.testing.InMemoryResponse;
import io.agnes.web.ContentSecurityPolicy;
import io.agnes.web.GzipFilter;
import io.agnes.web.Settings;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The injector over a corpus of pages, written every way an application writes: each case expects the snippet
 * exactly once before the first {@code </head>}, or the body byte-identical. The expectation is computed
 * independently with a regular expression; the container is the in-memory double that behaves like Payara.
 */
class SnippetInjectionFilterTest {

    static final String SNIPPET = "<script>!function(){posthog.init('phc_test',{api_host:'https://eu.i.posthog.com'})}()</script>";
    /** Three characters, four UTF-8 bytes more than its length: a Content-Length must grow by bytes. */
    static final String SNIPPET_ZOE = "<script>posthog.register({user_name:'Zoë'})</script>";

    static final String PAGE = "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Agnes — Grüße 数据 📊</title>"
            + "<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body><header><h1>Agnes</h1></header>"
            + "<p>Zürich, 数据分析, 📊 report</p></body></html>";

    private static final Pattern HEAD_END = Pattern.compile("(?i)</head[ \t\n\f\r]*>");

    private final AtomicReference<String> snippet = new AtomicReference<>(SNIPPET);
    private final AtomicReference<String> nonceSeen = new AtomicReference<>();
    private final AtomicLong clock = new AtomicLong();
    private final InjectionCounters counters = new InjectionCounters(Duration.ofMinutes(1), clock::get);
    private final SnippetInjectionFilter filter = new SnippetInjectionFilter((request, nonce) -> {
        nonceSeen.set(nonce);
        String text = snippet.get();
        if (text.startsWith("throw")) {
            throw new IllegalStateException("renderer broke: " + text);
        }
        return Snippet.of(text);
    }, counters, List.of("/api/docs"));

    /** The page with the snippet before its first {@code </head>}: the oracle, independent of the injector. */
    static String injected(String page, String snippet) {
        Matcher m = HEAD_END.matcher(page);
        assertThat(m.find()).as("the page has a head end").isTrue();
        return page.substring(0, m.start()) + snippet + page.substring(m.start());
    }

    static String injected(String page) {
        return injected(page, SNIPPET);
    }

    // --- the corpus, every way of writing --------------------------------------------------------------------------

    /** How the application writes its page. */
    enum Mode {
        WRITER_ONE_WRITE, WRITER_CHAR_BY_CHAR, WRITER_SLICES_WITH_OFFSETS,
        STREAM_ONE_WRITE, STREAM_BYTE_BY_BYTE, STREAM_SLICES_WITH_OFFSETS;

        static final int[] SLICES = {1, 7, 3, 50, 2, 500, 4096, 5};

        void write(HttpServletResponse response, String page, Charset charset) throws IOException {
            switch (this) {
                case WRITER_ONE_WRITE -> response.getWriter().write(page);
                case WRITER_CHAR_BY_CHAR -> {
                    PrintWriter writer = response.getWriter();
                    page.chars().forEach(writer::write); // surrogate pairs arrive one half at a time
                }
                case WRITER_SLICES_WITH_OFFSETS -> {
                    char[] padded = ("####" + page + "####").toCharArray();
                    PrintWriter writer = response.getWriter();
                    int position = 4;
                    for (int i = 0; position < 4 + page.length(); i++) {
                        int length = Math.min(SLICES[i % SLICES.length], 4 + page.length() - position);
                        if (i % 2 == 0) {
                            writer.write(padded, position, length);
                        } else {
                            writer.write(new String(padded), position, length);
                        }
                        position += length;
                    }
                }
                case STREAM_ONE_WRITE -> response.getOutputStream().write(page.getBytes(charset));
                case STREAM_BYTE_BY_BYTE -> {
                    ServletOutputStream out = response.getOutputStream();
                    for (byte b : page.getBytes(charset)) {
                        out.write(b); // splits every multi-byte character
                    }
                }
                case STREAM_SLICES_WITH_OFFSETS -> {
                    byte[] bytes = page.getBytes(charset);
                    byte[] padded = new byte[bytes.length + 200];
                    Arrays.fill(padded, (byte) '#');
                    System.arraycopy(bytes, 0, padded, 100, bytes.length);
                    ServletOutputStream out = response.getOutputStream();
                    int position = 100;
                    for (int i = 0; position < 100 + bytes.length; i++) {
                        int length = Math.min(SLICES[i % SLICES.length], 100 + bytes.length - position);
                        out.write(padded, position, length);
                        position += length;
                    }
                }
            }
        }

        boolean writer() {
            return name().startsWith("WRITER");
        }
    }

    static Stream<Arguments> corpus() {
        List<Arguments> cases = new ArrayList<>();
        String[][] pages = {
                // description, page, "inject" or "identical"
                {"an ordinary page", PAGE, "inject"},
                {"upper case, attributes, space before >",
                        "<!DOCTYPE html><HTML><HEAD lang=\"en\"><TITLE>x</TITLE></HEAD ><BODY>y</BODY></HTML>", "inject"},
                {"whitespace and a line break before >", "<html><head>\n<title>t</title>\n</Head\n\t >\n<body></body></html>", "inject"},
                {"a <header> element but no head", "<html><body><header>Top</header><main>x</main></body></html>", "identical"},
                {"</header> inside the head comes first",
                        "<html><head><template><header>h</header></template></head><body></body></html>", "inject"},
                {"a fragment without head", "<p>Grüße — 数据 📊</p>", "identical"},
                {"ends inside a possible tag", "<p>almost</p></he", "identical"},
                {"ends after </head and whitespace", "<p>almost</p></head   ", "identical"},
                {"ends with a lone <", "<p>x</p><", "identical"},
                {"</head without > then text", "<p>x</p></head x", "identical"},
                {"two heads: only the first", "<head><title>1</title></head><head></head><body></body>", "inject"},
                {"< right before </head>", "<html><head><</head><body></body></html>", "inject"},
                {"too much whitespace before >", "<html><head></head" + " ".repeat(100) + "><body></body></html>", "identical"},
                {"empty body", "", "identical"},
        };
        for (Mode mode : Mode.values()) {
            for (String[] page : pages) {
                cases.add(Arguments.of(mode, page[0], page[1], page[2].equals("inject")));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("corpus")
    void the_corpus_gets_the_snippet_once_before_the_head_end_or_stays_byte_identical(
            Mode mode, String description, String page, boolean inject) throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/page");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.addHeader("Set-Cookie", "a=1");
            res.addHeader("Set-Cookie", "b=2");
            mode.write(res, page, UTF_8);
        });

        InMemoryResponse response = request.response();
        assertThat(response.body()).isEqualTo((inject ? injected(page) : page).getBytes(UTF_8));
        assertThat(response.headerValues(InjectionResponse.MARKER)).isEqualTo(inject ? List.of("injected") : List.of());
        assertThat(response.headerValues("Set-Cookie")).containsExactly("a=1", "b=2");
        InjectionStats stats = counters.snapshot();
        assertThat(stats.injected()).isEqualTo(inject ? 1 : 0);
        assertThat(stats.skipped(InjectionSkip.NO_HEAD)).isEqualTo(inject ? 0 : 1);
        assertThat(wrapper(request).heldHighWater()).isLessThanOrEqualTo(StreamingHeadMatcher.MAX_PENDING + 1);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_ONE_WRITE", "STREAM_ONE_WRITE"})
    void the_head_end_split_between_two_writes_at_every_position_is_found(Mode mode) throws Exception {
        String page = "<html><head><title>t</title></HEAD >\n<body>ok</body></html>";
        for (int split = 0; split <= page.length(); split++) {
            int at = split;
            InMemoryRequest request = InMemoryRequest.get("/page");
            run(request, (req, res) -> {
                res.setContentType("text/html;charset=UTF-8");
                mode.write(res, page.substring(0, at), UTF_8);
                mode.write(res, page.substring(at), UTF_8);
            });
            assertThat(request.response().bodyText()).as("split at %d", at).isEqualTo(injected(page));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_ONE_WRITE", "STREAM_ONE_WRITE"})
    void the_head_end_cut_in_three_anywhere_is_found(Mode mode) throws Exception {
        String page = "<head><title>t</title></head\n><body>ok</body>";
        int tag = page.indexOf("</head");
        for (int first = tag - 2; first <= tag + 9; first++) {
            for (int second = first; second <= tag + 10; second++) {
                int a = first;
                int b = second;
                InMemoryRequest request = InMemoryRequest.get("/page");
                run(request, (req, res) -> {
                    res.setContentType("text/html;charset=UTF-8");
                    mode.write(res, page.substring(0, a), UTF_8);
                    mode.write(res, page.substring(a, b), UTF_8);
                    mode.write(res, page.substring(b), UTF_8);
                });
                assertThat(request.response().bodyText()).as("cut at %d and %d", a, b).isEqualTo(injected(page));
            }
        }
    }

    @Test
    void a_huge_page_streamed_in_8_kb_chunks_gets_the_snippet_with_a_tiny_window_and_unchanged_first_byte() throws Exception {
        String head = "<!doctype html><html><head><title>Export</title></head><body><table>\n";
        StringBuilder page = new StringBuilder(10_500_000).append(head);
        while (page.length() < 10_000_000) {
            page.append("<tr><td class=\"data-cell\">Grüße 数据</td><td>12345.678</td></tr>\n");
        }
        page.append("</table></body></html>");
        byte[] bytes = page.toString().getBytes(UTF_8);
        AtomicReference<Integer> sentAfterFirstChunks = new AtomicReference<>();
        InMemoryRequest request = InMemoryRequest.get("/export");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            ServletOutputStream out = res.getOutputStream();
            for (int position = 0; position < bytes.length; position += 8192) {
                out.write(bytes, position, Math.min(8192, bytes.length - position));
                if (position == 3 * 8192) {
                    sentAfterFirstChunks.set(request.response().sentBytes().length);
                }
            }
        });

        assertThat(request.response().body()).isEqualTo(injected(page.toString()).getBytes(UTF_8));
        assertThat(sentAfterFirstChunks.get()).as("bytes on the wire while the page is still being written").isPositive();
        InjectionResponse wrapper = wrapper(request);
        assertThat(wrapper.heldHighWater()).isLessThanOrEqualTo(StreamingHeadMatcher.MAX_PENDING + 1);
        assertThat(wrapper.scanned()).as("scanning stops at the head").isEqualTo(head.indexOf("</head>") + "</head>".length());
    }

    @Test
    void a_huge_page_without_head_is_identical_and_only_its_first_64_kb_are_scanned() throws Exception {
        byte[] bytes = "<tr><td>Grüße 数据</td></tr>\n".repeat(400_000).getBytes(UTF_8);
        InMemoryRequest request = InMemoryRequest.get("/export");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            PrintWriter writer = res.getWriter();
            String text = new String(bytes, UTF_8);
            for (int position = 0; position < text.length(); position += 8192) {
                writer.write(text, position, Math.min(8192, text.length() - position));
            }
        });

        assertThat(request.response().body()).isEqualTo(bytes);
        assertThat(wrapper(request).scanned()).isEqualTo(InjectionResponse.SCAN_LIMIT);
        assertThat(wrapper(request).heldHighWater()).isLessThanOrEqualTo(StreamingHeadMatcher.MAX_PENDING + 1);
        assertThat(counters.snapshot().skipped(InjectionSkip.SCAN_LIMIT)).isEqualTo(1);
    }

    @Test
    void a_head_ending_within_the_scan_limit_is_injected_one_ending_after_it_is_not() throws Exception {
        String prefix = "<html><head><!--";
        String suffix = "--></head><body></body></html>";
        int fill = InjectionResponse.SCAN_LIMIT - prefix.length() - "--></head>".length();
        String justInside = prefix + "x".repeat(fill) + suffix; // its '>' is the 65536th character
        String justOutside = prefix + "x".repeat(fill + 1) + suffix;

        InMemoryRequest inside = InMemoryRequest.get("/inside");
        run(inside, writesHtml(justInside));
        assertThat(inside.response().bodyText()).isEqualTo(injected(justInside));

        InMemoryRequest outside = InMemoryRequest.get("/outside");
        run(outside, writesHtml(justOutside));
        assertThat(outside.response().bodyText()).isEqualTo(justOutside);
        assertThat(counters.snapshot().skipped(InjectionSkip.SCAN_LIMIT)).isEqualTo(1);
    }

    // --- charsets ----------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_CHAR_BY_CHAR", "STREAM_BYTE_BY_BYTE", "STREAM_ONE_WRITE"})
    void an_iso_8859_1_page_gets_the_snippet_encoded_in_iso_8859_1(Mode mode) throws Exception {
        snippet.set(SNIPPET_ZOE);
        String page = "<html><head><title>Café crème</title></head><body>brûlée</body></html>";
        InMemoryRequest request = InMemoryRequest.get("/latin");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=ISO-8859-1");
            mode.write(res, page, ISO_8859_1);
        });

        assertThat(request.response().body()).isEqualTo(injected(page, SNIPPET_ZOE).getBytes(ISO_8859_1));
    }

    @Test
    void the_charset_is_read_from_the_content_type_as_the_container_reports_it() {
        InMemoryResponse response = InMemoryRequest.get("/x").response();
        response.setCharacterEncoding("windows-1252"); // what the container answers when the type names none

        assertThat(InjectionEligibility.charset(response, "text/html;charset=UTF-16")).isEqualTo("UTF-16");
        assertThat(InjectionEligibility.charset(response, "text/html;charset=UTF-8")).isEqualTo("UTF-8");
        assertThat(InjectionEligibility.charset(response, "text/html;charset=utf-8")).isEqualTo("utf-8");
        assertThat(InjectionEligibility.charset(response, "text/html;charset=UTF-88")).isEqualTo("UTF-88");
        assertThat(InjectionEligibility.charset(response, "text/html; Charset = \"Shift_JIS\"")).isEqualTo("windows-1252");
        assertThat(InjectionEligibility.charset(response, "text/html; CHARSET=\"Shift_JIS\"")).isEqualTo("Shift_JIS");
        assertThat(InjectionEligibility.charset(response, "text/html; level=1;  charset=utf-8 ; q=x")).isEqualTo("utf-8");
        assertThat(InjectionEligibility.charset(response, "text/html; xcharset=UTF-16")).isEqualTo("windows-1252");
        assertThat(InjectionEligibility.charset(response, "text/html;charset=")).isEqualTo("windows-1252");
        assertThat(InjectionEligibility.charset(response, "text/html")).isEqualTo("windows-1252");
        assertThat(InjectionEligibility.charset(response, null)).isEqualTo("windows-1252");
    }

    @Test
    void bytes_without_a_declared_charset_are_scanned_as_the_container_default_iso_8859_1() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/static/page.html");
        run(request, (req, res) -> {
            res.setContentType("text/html"); // a static file: the page's <meta charset> says UTF-8, the header nothing
            res.getOutputStream().write(PAGE.getBytes(UTF_8));
        });

        assertThat(request.response().body()).isEqualTo(injected(PAGE).getBytes(UTF_8));
    }

    @Test
    void a_windows_1252_stream_is_scanned_a_utf_16_stream_is_left_alone() throws Exception {
        String page = "<html><head><title>Œuvre</title></head><body>€</body></html>";
        InMemoryRequest cp1252 = InMemoryRequest.get("/cp1252");
        run(cp1252, (req, res) -> {
            res.setContentType("text/html;charset=windows-1252");
            res.getOutputStream().write(page.getBytes("windows-1252"));
        });
        assertThat(cp1252.response().body()).isEqualTo(injected(page).getBytes("windows-1252"));

        InMemoryRequest utf16 = InMemoryRequest.get("/utf16");
        run(utf16, (req, res) -> {
            res.setContentType("text/html;charset=UTF-16");
            res.getOutputStream().write(page.getBytes(UTF_16));
        });
        assertThat(utf16.response().body()).isEqualTo(page.getBytes(UTF_16));
        assertThat(utf16.response().getHeader(InjectionResponse.MARKER)).isNull();
        assertThat(counters.snapshot().skipped(InjectionSkip.CHARSET)).isEqualTo(1);
    }

    @Test
    void a_utf_16_page_written_as_characters_is_injected() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/utf16");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-16");
            res.getWriter().print(PAGE);
        });

        assertThat(new String(request.response().body(), UTF_16)).isEqualTo(injected(PAGE));
    }

    @Test
    void a_snippet_the_page_charset_cannot_encode_is_a_failure_and_the_page_stays_as_it_is() throws Exception {
        snippet.set("<script>posthog.register({user_name:'数据'})</script>");
        String page = "<html><head></head><body>Café</body></html>";
        InMemoryRequest request = InMemoryRequest.get("/latin");
        try (CapturedLogs logs = new CapturedLogs(SnippetInjectionFilter.class)) {
            run(request, (req, res) -> {
                res.setContentType("text/html;charset=ISO-8859-1");
                res.getOutputStream().write(page.getBytes(ISO_8859_1));
            });
            assertThat(logs.lines(Level.WARNING)).hasSize(1);
        }

        assertThat(request.response().body()).isEqualTo(page.getBytes(ISO_8859_1));
        assertThat(counters.snapshot().failed()).isEqualTo(1);
    }

    // --- Content-Length ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_SLICES_WITH_OFFSETS", "STREAM_SLICES_WITH_OFFSETS"})
    void a_declared_content_length_grows_by_the_snippet_bytes_not_its_characters(Mode mode) throws Exception {
        snippet.set(SNIPPET_ZOE);
        int pageBytes = PAGE.getBytes(UTF_8).length;
        AtomicReference<String> seenInside = new AtomicReference<>();
        InMemoryRequest request = InMemoryRequest.get("/page");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.setContentLength(pageBytes);
            mode.write(res, PAGE, UTF_8);
            seenInside.set(res.getHeader("Content-Length"));
        });

        byte[] expected = injected(PAGE, SNIPPET_ZOE).getBytes(UTF_8);
        assertThat(request.response().getHeader("Content-Length")).isEqualTo(String.valueOf(expected.length))
                .isEqualTo(String.valueOf(pageBytes + SNIPPET_ZOE.getBytes(UTF_8).length));
        assertThat(SNIPPET_ZOE.getBytes(UTF_8).length).isNotEqualTo(SNIPPET_ZOE.length());
        assertThat(request.response().body()).isEqualTo(expected);
        assertThat(seenInside.get()).as("inner layers see their own length").isEqualTo(String.valueOf(pageBytes));
    }

    @Test
    void a_content_length_declared_after_the_head_is_corrected_too() throws Exception {
        byte[] page = PAGE.getBytes(UTF_8);
        InMemoryRequest request = InMemoryRequest.get("/page");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            int half = page.length / 2;
            res.getOutputStream().write(page, 0, half);
            res.setHeader("Content-Length", String.valueOf(page.length));
            res.getOutputStream().write(page, half, page.length - half);
        });

        assertThat(request.response().getHeader("Content-Length"))
                .isEqualTo(String.valueOf(page.length + SNIPPET.length()));
        assertThat(request.response().bodyText()).isEqualTo(injected(PAGE));
    }

    @Test
    void pages_left_alone_keep_their_declared_content_length() throws Exception {
        String noHead = "<p>no head here, Grüße</p>";
        InMemoryRequest html = InMemoryRequest.get("/fragment");
        run(html, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.setContentLength(noHead.getBytes(UTF_8).length);
            res.getWriter().print(noHead);
        });
        assertThat(html.response().getHeader("Content-Length")).isEqualTo(String.valueOf(noHead.getBytes(UTF_8).length));
        assertThat(html.response().bodyText()).isEqualTo(noHead);

        byte[] json = "{\"rows\":[1,2,3]}".getBytes(UTF_8);
        InMemoryRequest api = InMemoryRequest.get("/api/rows");
        run(api, (req, res) -> {
            res.setContentType("application/json");
            res.setContentLengthLong(json.length);
            res.getOutputStream().write(json);
        });
        assertThat(api.response().getHeader("Content-Length")).isEqualTo(String.valueOf(json.length));
        assertThat(api.response().body()).isEqualTo(json);
    }

    @Test
    void an_injected_page_becomes_private_unless_the_application_chose_its_caching() throws Exception {
        InMemoryRequest plain = InMemoryRequest.get("/page");
        run(plain, writesHtml(PAGE));
        assertThat(plain.response().headerValues("Cache-Control")).containsExactly("private");

        InMemoryRequest chosen = InMemoryRequest.get("/page");
        run(chosen, (req, res) -> {
            res.setHeader("Cache-Control", "no-store");
            writesHtml(PAGE).handle(req, res);
        });
        assertThat(chosen.response().headerValues("Cache-Control")).containsExactly("no-store");

        InMemoryRequest notInjected = InMemoryRequest.get("/fragment");
        run(notInjected, writesHtml("<p>no head</p>"));
        assertThat(notInjected.response().getHeader("Cache-Control")).isNull();
    }

    // --- flushing ----------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_ONE_WRITE", "STREAM_ONE_WRITE"})
    void flush_buffer_inside_the_head_sends_all_but_the_look_behind_and_the_snippet_still_goes_in(Mode mode) throws Exception {
        String page = "<html><head><title>early flush</title></head><body>rest</body></html>";
        int cut = page.indexOf("</head>") + 4; // "</he" held back, it may be the tag
        AtomicReference<String> sentAtFlush = new AtomicReference<>();
        InMemoryRequest request = InMemoryRequest.get("/page");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.setContentLength(page.length());
            mode.write(res, page.substring(0, cut), UTF_8);
            res.flushBuffer();
            sentAtFlush.set(new String(request.response().sentBytes(), UTF_8));
            mode.write(res, page.substring(cut), UTF_8);
        });

        assertThat(sentAtFlush.get()).isEqualTo("<html><head><title>early flush</title>");
        assertThat(request.response().bodyText()).isEqualTo(injected(page));
        // committed before the head ended: no header could follow, and the declared length was never sent
        assertThat(request.response().getHeader(InjectionResponse.MARKER)).isNull();
        assertThat(request.response().getHeader("Content-Length")).isNull();
        assertThat(counters.snapshot().injected()).isEqualTo(1);
    }

    @Test
    void the_applications_flush_of_stream_and_writer_pushes_everything_before_the_window() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/page");
        AtomicReference<String> sent = new AtomicReference<>();
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            PrintWriter writer = res.getWriter();
            writer.print("<html><head><");
            writer.flush();
            sent.set(new String(request.response().sentBytes(), UTF_8));
            writer.print("/head><body></body></html>");
        });

        assertThat(sent.get()).isEqualTo("<html><head>");
        assertThat(request.response().bodyText()).isEqualTo("<html><head>" + SNIPPET + "</head><body></body></html>");
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_ONE_WRITE", "STREAM_ONE_WRITE"})
    void closing_the_body_sends_the_held_units_and_the_outcome_is_counted_once(Mode mode) throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/forwarded"); // a forward closes the body for the servlet
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            mode.write(res, "<p>no head</p></he", UTF_8);
            if (mode.writer()) {
                res.getWriter().close();
            } else {
                res.getOutputStream().close();
            }
            assertThat(new String(request.response().sentBytes(), UTF_8)).isEqualTo("<p>no head</p></he");
        });

        assertThat(request.response().isClosed()).isTrue();
        assertThat(counters.snapshot().skipped(InjectionSkip.NO_HEAD)).isEqualTo(1);
        assertThat(counters.snapshot().skippedTotal()).isEqualTo(1);
    }

    // --- what is left alone ------------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // case                     | method | status | type                        | header                  | value                 | reason
            "HEAD                       | HEAD   | 200    | text/html                   |                         |                       | HEAD_REQUEST",
            "204 No Content             | GET    | 204    | text/html                   |                         |                       | NO_BODY_STATUS",
            "304 Not Modified           | GET    | 304    | text/html                   |                         |                       | NO_BODY_STATUS",
            "101 Switching Protocols    | GET    | 101    | text/html                   |                         |                       | NO_BODY_STATUS",
            "206 Partial Content        | GET    | 206    | text/html                   |                         |                       | PARTIAL_CONTENT",
            "Content-Range              | GET    | 200    | text/html                   | Content-Range           | bytes 0-99/5000       | PARTIAL_CONTENT",
            "Server-Sent Events         | GET    | 200    | text/event-stream           |                         |                       | EVENT_STREAM",
            "attachment                 | GET    | 200    | text/html                   | Content-Disposition     | attachment; filename=r.html | ATTACHMENT",
            "ATTACHMENT upper case      | GET    | 200    | text/html                   | Content-Disposition     | ATTACHMENT            | ATTACHMENT",
            "already encoded            | GET    | 200    | text/html                   | Content-Encoding        | br                    | ENCODED",
            "JSON                       | GET    | 200    | application/json            |                         |                       | NOT_HTML",
            "CSS                        | GET    | 200    | text/css                    |                         |                       | NOT_HTML",
            "plain text                 | GET    | 200    | text/plain;charset=UTF-8    |                         |                       | NOT_HTML",
            "no type at all             | GET    | 200    |                             |                         |                       | NOT_HTML",
            "our own marker, upstream   | GET    | 200    | text/html                   | X-Agnes-Snippet         | injected              | MARKER",
            "Datadog RUM marker         | GET    | 200    | text/html                   | x-datadog-rum-injected  | 1                     | MARKER",
            "Dynatrace marker           | GET    | 200    | text/html                   | X-OneAgent-JS-Injection | true                  | MARKER",
            "excluded path              | GET    | 200    | text/html                   |                         |                       | EXCLUDED_PATH",
    })
    void left_byte_identical(String description, String method, int status, String type, String header, String value,
                             InjectionSkip reason) throws Exception {
        byte[] page = PAGE.getBytes(UTF_8);
        InMemoryRequest request = new InMemoryRequest(method, reason == InjectionSkip.EXCLUDED_PATH ? "/api/docs/index.html" : "/page");
        run(request, (req, res) -> {
            res.setStatus(status);
            if (type != null) {
                res.setContentType(type);
            }
            if (header != null) {
                res.setHeader(header, value);
            }
            res.setContentLength(page.length);
            res.getOutputStream().write(page);
        });

        InMemoryResponse response = request.response();
        assertThat(response.body()).isEqualTo(page);
        assertThat(response.getHeader("Content-Length")).isEqualTo(String.valueOf(page.length));
        assertThat(response.headerValues(InjectionResponse.MARKER))
                .isEqualTo("X-Agnes-Snippet".equals(header) ? List.of("injected") : List.of());
        InjectionStats stats = counters.snapshot();
        assertThat(stats.skipped(reason)).isEqualTo(1);
        assertThat(stats.skippedTotal()).isEqualTo(1);
        assertThat(stats.injected()).isZero();
    }

    @Test
    void an_excluded_prefix_covers_its_subpaths_only() throws Exception {
        InMemoryRequest exact = InMemoryRequest.get("/api/docs");
        run(exact, writesHtml(PAGE));
        assertThat(exact.response().bodyText()).isEqualTo(PAGE);

        InMemoryRequest sibling = InMemoryRequest.get("/api/docsearch");
        run(sibling, writesHtml(PAGE));
        assertThat(sibling.response().bodyText()).isEqualTo(injected(PAGE));

        InMemoryRequest underContext = InMemoryRequest.get("/agnes/api/docs/x").contextPath("/agnes");
        run(underContext, writesHtml(PAGE));
        assertThat(underContext.response().bodyText()).isEqualTo(PAGE);
    }

    @Test
    void path_prefixes_are_parsed_from_a_comma_separated_setting() {
        assertThat(SnippetInjectionFilter.pathPrefixes(" /api/docs, static/swagger/ ,, /")).containsExactly("/api/docs", "/static/swagger");
        assertThat(SnippetInjectionFilter.pathPrefixes(null)).isEmpty();
    }

    @Test
    void the_excluded_paths_setting_keeps_prefixes_and_warns_about_wildcards_it_cannot_honour() {
        java.util.Map<String, String> env = new java.util.HashMap<>();
        io.agnes.web.Settings settings = new io.agnes.web.Settings(key -> java.util.Optional.ofNullable(env.get(key)));
        assertThat(SnippetInjectionFilter.excludedPaths(settings)).isEmpty();

        env.put("POSTHOG_SNIPPET_EXCLUDE_PATHS", "/admin, help/");
        assertThat(SnippetInjectionFilter.excludedPaths(settings)).containsExactly("/admin", "/help");

        try (CapturedLogs logs = new CapturedLogs(io.agnes.web.Settings.class)) {
            env.put("POSTHOG_SNIPPET_EXCLUDE_PATHS", "/admin/*,/help");
            assertThat(SnippetInjectionFilter.excludedPaths(settings)).containsExactly("/help");
            assertThat(logs.lines()).singleElement().satisfies(line -> assertThat(line)
                    .contains("POSTHOG_SNIPPET_EXCLUDE_PATHS").contains("/admin/*").contains("no wildcards"));
        }
    }

    @Test
    void a_server_sent_event_stream_is_not_held_back_at_all() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/api/events");
        run(request, (req, res) -> {
            res.setContentType("text/event-stream");
            res.getOutputStream().write("data: <\n\n".getBytes(UTF_8)); // even a '<' at the end of a write
            res.flushBuffer();
            assertThat(new String(request.response().sentBytes(), UTF_8)).isEqualTo("data: <\n\n");
        });
    }

    @Test
    void xhtml_is_injected() throws Exception {
        String page = "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><head><title/></head><body/></html>";
        InMemoryRequest request = InMemoryRequest.get("/x");
        run(request, (req, res) -> {
            res.setContentType("application/xhtml+xml; charset=utf-8");
            res.getWriter().print(page);
        });
        assertThat(request.response().bodyText()).isEqualTo(injected(page));
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_ONE_WRITE", "STREAM_BYTE_BY_BYTE"})
    void a_content_type_set_after_the_first_write_is_the_one_that_counts(Mode mode) throws Exception {
        InMemoryRequest html = InMemoryRequest.get("/late-html");
        run(html, (req, res) -> {
            res.setCharacterEncoding("UTF-8");
            mode.write(res, PAGE.substring(0, 20), UTF_8);
            res.setContentType("text/html");
            mode.write(res, PAGE.substring(20), UTF_8);
        });
        assertThat(html.response().bodyText()).isEqualTo(injected(PAGE));

        String notReally = "<head></head>{\"json\":true}";
        InMemoryRequest json = InMemoryRequest.get("/late-json");
        run(json, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            mode.write(res, notReally.substring(0, 3), UTF_8);
            res.setContentType("application/json;charset=UTF-8");
            mode.write(res, notReally.substring(3), UTF_8);
        });
        assertThat(json.response().bodyText()).isEqualTo(notReally);
        assertThat(counters.snapshot().skipped(InjectionSkip.NOT_HTML)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_CHAR_BY_CHAR", "STREAM_BYTE_BY_BYTE", "STREAM_ONE_WRITE"})
    void a_page_with_posthog_init_in_its_head_is_left_alone(Mode mode) throws Exception {
        String page = "<html><head><script>posthog.init('phc_own',{})</script></head><body></body></html>";
        InMemoryRequest request = InMemoryRequest.get("/own");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            mode.write(res, page, UTF_8);
        });

        assertThat(request.response().bodyText()).isEqualTo(page);
        assertThat(request.response().getHeader(InjectionResponse.MARKER)).isNull();
        assertThat(counters.snapshot().skipped(InjectionSkip.ALREADY_PRESENT)).isEqualTo(1);
    }

    @Test
    void posthog_init_after_the_head_is_not_seen_the_guard_only_covers_the_scanned_head() throws Exception {
        String page = "<html><head></head><body><script>posthog.init('phc_own',{})</script></body></html>";
        InMemoryRequest request = InMemoryRequest.get("/own");
        run(request, writesHtml(page));
        assertThat(request.response().bodyText()).isEqualTo(injected(page));
    }

    @Test
    void non_blocking_output_passes_through_untouched() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/nb");
        run(request, (req, res) -> {
            AsyncContext async = req.startAsync();
            res.setContentType("text/html;charset=UTF-8");
            ServletOutputStream out = res.getOutputStream();
            out.setWriteListener(new WriteListener() {
                @Override
                public void onWritePossible() throws IOException {
                    out.write(PAGE.getBytes(UTF_8));
                    async.complete();
                }

                @Override
                public void onError(Throwable failure) {
                    throw new AssertionError(failure);
                }
            });
        });

        assertThat(request.response().bodyText()).isEqualTo(PAGE);
        assertThat(counters.snapshot().skipped(InjectionSkip.NON_BLOCKING)).isEqualTo(1);
    }

    @Test
    void with_the_integration_off_nothing_is_wrapped() throws Exception {
        SnippetInjectionFilter off = new SnippetInjectionFilter();
        InMemoryRequest request = InMemoryRequest.get("/page");
        AtomicReference<ServletResponse> seen = new AtomicReference<>();
        request.dispatch(REQUEST, () -> off.doFilter(request, request.response(), (req, res) -> {
            seen.set(res);
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print(PAGE);
        }));

        assertThat(seen.get()).isSameAs(request.response());
        assertThat(request.response().bodyText()).isEqualTo(PAGE);
        assertThat(off.counters().snapshot().skippedTotal() + off.counters().snapshot().injected()).isZero();
    }

    // --- the snippet source ------------------------------------------------------------------------------------------

    @Test
    void a_failing_renderer_leaves_pages_unmodified_counts_each_and_logs_once_per_interval() throws Exception {
        snippet.set("throw please");
        try (CapturedLogs logs = new CapturedLogs(SnippetInjectionFilter.class)) {
            for (int i = 0; i < 3; i++) {
                InMemoryRequest request = InMemoryRequest.get("/page?token=secret");
                run(request, writesHtml(PAGE));
                assertThat(request.response().bodyText()).isEqualTo(PAGE);
                assertThat(request.response().getHeader(InjectionResponse.MARKER)).isNull();
                clock.addAndGet(Duration.ofSeconds(1).toNanos());
            }
            assertThat(logs.lines(Level.WARNING)).singleElement().asString()
                    .contains("could not be rendered for GET /page").doesNotContain("secret");
            assertThat(logs.lines()).singleElement().asString().contains("renderer broke");

            clock.addAndGet(Duration.ofMinutes(1).toNanos());
            InMemoryRequest later = InMemoryRequest.get("/later");
            run(later, writesHtml(PAGE));
            assertThat(logs.lines(Level.WARNING)).hasSize(2);
            assertThat(logs.lines(Level.WARNING).get(1)).contains("3 pages since the previous report");
        }
        assertThat(counters.snapshot().failed()).isEqualTo(4);
        assertThat(counters.snapshot().injected()).isZero();
    }

    @Test
    void an_empty_snippet_means_nothing_for_this_page() throws Exception {
        snippet.set("");
        InMemoryRequest request = InMemoryRequest.get("/page");
        run(request, writesHtml(PAGE));
        assertThat(request.response().bodyText()).isEqualTo(PAGE);
        assertThat(counters.snapshot().skipped(InjectionSkip.NO_SNIPPET)).isEqualTo(1);
    }

    @Test
    void the_source_gets_the_csp_nonce_of_the_final_headers() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/page");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print("<html><head><title>x</title>");
            res.setHeader("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-r4nd0m+/='");
            res.getWriter().print("</head><body></body></html>");
        });
        assertThat(nonceSeen.get()).isEqualTo("r4nd0m+/=");

        InMemoryRequest none = InMemoryRequest.get("/page");
        run(none, writesHtml(PAGE));
        assertThat(nonceSeen.get()).isNull();
    }

    @Test
    void agnes_own_policy_gives_its_nonce_without_parsing_and_a_policy_set_after_it_is_parsed() throws Exception {
        String own = "default-src 'self'; script-src 'self' 'nonce-0wn'";
        InMemoryRequest request = InMemoryRequest.get("/page");
        // as ContentSecurityPolicyFilter leaves it; the recorded nonce differs from the header's only in this test,
        // to tell which of the two the injector used
        request.setAttribute(ContentSecurityPolicy.Sent.ATTRIBUTE, new ContentSecurityPolicy.Sent(own, "r3c0rded"));
        run(request, (req, res) -> {
            res.setHeader("Content-Security-Policy", own);
            writesHtml(PAGE).handle(req, res);
        });
        assertThat(nonceSeen.get()).isEqualTo("r3c0rded");

        InMemoryRequest replaced = InMemoryRequest.get("/page");
        replaced.setAttribute(ContentSecurityPolicy.Sent.ATTRIBUTE, new ContentSecurityPolicy.Sent(own, "r3c0rded"));
        run(replaced, (req, res) -> {
            res.setHeader("Content-Security-Policy", "script-src 'nonce-th31rs'");
            writesHtml(PAGE).handle(req, res);
        });
        assertThat(nonceSeen.get()).isEqualTo("th31rs");
    }

    // --- reset, errors, redirects ------------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_ONE_WRITE", "STREAM_ONE_WRITE"})
    void reset_inside_the_head_or_after_the_snippet_starts_a_new_body_injected_once(Mode mode) throws Exception {
        String second = "<html><head><title>second</title></head><body>2</body></html>";
        InMemoryRequest midHead = InMemoryRequest.get("/page");
        run(midHead, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            mode.write(res, "<html><head><title>first</title></he", UTF_8);
            res.reset();
            res.setContentType("text/html;charset=UTF-8");
            mode.write(res, second, UTF_8);
        });
        assertThat(midHead.response().bodyText()).isEqualTo(injected(second));
        assertThat(midHead.response().headerValues(InjectionResponse.MARKER)).containsExactly("injected");

        InMemoryRequest afterSnippet = InMemoryRequest.get("/page");
        run(afterSnippet, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.setHeader("X-Page", "first");
            mode.write(res, "<html><head><title>first</title></head><body>1", UTF_8);
            res.reset(); // the marker went with the other headers
            res.setContentType("text/html;charset=UTF-8");
            mode.write(res, second, UTF_8);
        });
        assertThat(afterSnippet.response().bodyText()).isEqualTo(injected(second));
        assertThat(afterSnippet.response().headerValues(InjectionResponse.MARKER)).containsExactly("injected");
        assertThat(afterSnippet.response().getHeader("X-Page")).isNull();
        assertThat(counters.snapshot().injected()).isEqualTo(2);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"WRITER_ONE_WRITE", "STREAM_ONE_WRITE"})
    void reset_buffer_after_the_snippet_discards_it_and_the_new_body_gets_it_once(Mode mode) throws Exception {
        String second = "<html><head><title>second</title></head><body>2</body></html>";
        InMemoryRequest request = InMemoryRequest.get("/page");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.setContentLength(999); // describes the first body; resetBuffer keeps it, as the container does
            mode.write(res, "<html><head><title>first</title></head><body>1", UTF_8);
            res.resetBuffer(); // our marker stays (headers do), but the snippet it announced is gone
            res.setContentLength(second.length());
            mode.write(res, second, UTF_8);
        });

        assertThat(request.response().bodyText()).isEqualTo(injected(second));
        assertThat(request.response().headerValues(InjectionResponse.MARKER)).containsExactly("injected");
        assertThat(request.response().getHeader("Content-Length")).isEqualTo(String.valueOf(second.length() + SNIPPET.length()));
        assertThat(counters.snapshot().injected()).isEqualTo(1);
    }

    @Test
    void send_error_passes_through_and_the_error_page_gets_the_snippet_once() throws Exception {
        String errorPage = "<!doctype html><html><head><title>Not found</title></head><body>404</body></html>";
        InMemoryRequest request = InMemoryRequest.get("/missing");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print("<html><head><title>x</title></head><body>half a page"); // injected, then dropped
            res.sendError(404, "gone");
        });
        assertThat(request.response().isErrorSent()).isTrue();
        assertThat(request.response().getStatus()).isEqualTo(404);

        request.dispatch(ERROR, () -> filter.doFilter(request, request.response(), (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print(errorPage);
        }));

        assertThat(request.response().bodyText()).isEqualTo(injected(errorPage));
        assertThat(request.response().headerValues(InjectionResponse.MARKER)).containsExactly("injected");
        assertThat(counters.snapshot().injected()).as("the abandoned body is not counted").isEqualTo(1);
    }

    @Test
    void a_failure_before_commit_lets_the_error_page_be_injected_despite_the_stale_marker() throws Exception {
        String errorPage = "<html><head><title>Error</title></head><body>500</body></html>";
        InMemoryRequest request = InMemoryRequest.get("/boom");
        assertThatThrownBy(() -> run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print("<html><head></head><body>"); // injected: the marker is on the response now
            throw new IllegalStateException("boom");
        })).hasMessage("boom");

        request.dispatch(ERROR, () -> filter.doFilter(request, request.response(), (req, res) -> {
            ((HttpServletResponse) res).setStatus(500);
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print(errorPage);
        }));

        assertThat(request.response().bodyText()).isEqualTo(injected(errorPage));
        assertThat(request.response().headerValues(InjectionResponse.MARKER)).containsExactly("injected");
    }

    @Test
    void an_error_dispatch_after_commit_appends_to_the_injected_page_without_a_second_snippet() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/boom");
        assertThatThrownBy(() -> run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print("<html><head></head><body>partial");
            res.flushBuffer();
            throw new IllegalStateException("late boom");
        })).hasMessage("late boom");

        request.dispatch(ERROR, () -> filter.doFilter(request, request.response(), (req, res) ->
                res.getWriter().print("<html><head></head><body>error</body></html>")));

        assertThat(request.response().bodyText()).isEqualTo("<html><head>" + SNIPPET
                + "</head><body>partial<html><head></head><body>error</body></html>");
    }

    @Test
    void an_error_page_appended_to_a_page_injected_after_commit_gets_no_second_snippet() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/boom");
        assertThatThrownBy(() -> run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print("<html><head><title>x</title>");
            res.flushBuffer(); // committed inside the head: the snippet will go in without a marker
            res.getWriter().print("</head><body>partial");
            throw new IllegalStateException("late boom");
        })).hasMessage("late boom");
        assertThat(request.response().getHeader(InjectionResponse.MARKER)).isNull();

        request.dispatch(ERROR, () -> filter.doFilter(request, request.response(), (req, res) ->
                res.getWriter().print("<html><head></head><body>error</body></html>")));

        assertThat(request.response().bodyText()).isEqualTo("<html><head><title>x</title>" + SNIPPET
                + "</head><body>partial<html><head></head><body>error</body></html>");
        assertThat(counters.snapshot().injected()).isEqualTo(1);
    }

    @Test
    void send_redirect_passes_through_untouched() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/old");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print("<html><head><title>moving</title></he");
            res.sendRedirect("/new");
        });

        assertThat(request.response().getStatus()).isEqualTo(302);
        assertThat(request.response().getHeader("Location")).isEqualTo("/new");
        assertThat(request.response().body()).isEmpty();
        assertThat(request.response().getHeader(InjectionResponse.MARKER)).isNull();
        assertThat(counters.snapshot().skippedTotal() + counters.snapshot().injected()).as("abandoned: not counted").isZero();
    }

    @Test
    void a_redirect_after_the_snippet_went_in_keeps_the_marker_payara_cannot_remove_headers() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/old");
        run(request, (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print("<html><head></head><body>");
            res.sendRedirect("/new");
        });

        assertThat(request.response().getStatus()).isEqualTo(302);
        assertThat(request.response().body()).isEmpty();
        // documented: the announced body was discarded, the header set with it stays (a harmless stale marker)
        assertThat(request.response().getHeader(InjectionResponse.MARKER)).isEqualTo("injected");
    }

    // --- asynchronous requests ---------------------------------------------------------------------------------------

    @Nested
    class Async {

        @Test
        void the_body_ends_when_the_async_context_completes_and_the_applications_listener_still_runs() throws Exception {
            AtomicReference<ServletResponse> wrapped = new AtomicReference<>();
            AtomicReference<AsyncContext> context = new AtomicReference<>();
            AtomicBoolean applicationListenerCompleted = new AtomicBoolean();
            InMemoryRequest request = InMemoryRequest.get("/page");
            run(request, (req, res) -> {
                AsyncContext async = req.startAsync();
                async.addListener(new CompletionFlag(applicationListenerCompleted));
                context.set(async);
                wrapped.set(res); // like a JAX-RS AsyncResponse, resumed later from another thread
            });
            assertThat(request.response().body()).as("nothing written when the dispatch returns").isEmpty();

            wrapped.get().setContentType("text/html;charset=UTF-8");
            wrapped.get().getWriter().print(PAGE);
            context.get().complete();

            assertThat(request.response().bodyText()).isEqualTo(injected(PAGE));
            assertThat(request.response().isClosed()).isTrue();
            assertThat(applicationListenerCompleted).isTrue();
            assertThat(counters.snapshot().injected()).isEqualTo(1);
        }

        @Test
        void an_async_dispatch_with_the_unwrapped_response_continues_the_same_body_and_injects_once() throws Exception {
            InMemoryRequest request = InMemoryRequest.get("/page");
            run(request, (req, res) -> {
                AsyncContext async = req.startAsync(); // the original objects: the ASYNC dispatch gets those
                res.setContentType("text/html;charset=UTF-8");
                res.getWriter().print("<html><head><title>x</title></he");
                async.dispatch();
            });

            request.dispatch(ASYNC, () -> filter.doFilter(request, request.response(), (req, res) -> {
                assertThat(res).isNotSameAs(request.response());
                res.getWriter().print("ad><body><head></head></body></html>");
            }));

            assertThat(request.response().bodyText())
                    .isEqualTo("<html><head><title>x</title>" + SNIPPET + "</head><body><head></head></body></html>");
            assertThat(counters.snapshot().injected()).isEqualTo(1);
        }

        @Test
        void an_async_dispatch_with_the_wrapped_response_is_not_wrapped_again() throws Exception {
            InMemoryRequest request = InMemoryRequest.get("/page");
            AtomicReference<ServletResponse> first = new AtomicReference<>();
            run(request, (req, res) -> {
                first.set(res);
                req.startAsync(req, res).dispatch();
            });

            request.dispatch(ASYNC, () -> filter.doFilter(request, first.get(), (req, res) -> {
                assertThat(res).isSameAs(first.get());
                res.setContentType("text/html;charset=UTF-8");
                res.getWriter().print(PAGE);
            }));

            assertThat(request.response().bodyText()).isEqualTo(injected(PAGE));
        }

        @Test
        void complete_called_during_the_dispatch_finishes_once_it_returns() throws Exception {
            InMemoryRequest request = InMemoryRequest.get("/page");
            run(request, (req, res) -> {
                AsyncContext async = req.startAsync();
                res.setContentType("text/html;charset=UTF-8");
                res.getOutputStream().write(PAGE.getBytes(UTF_8));
                async.complete();
            });

            assertThat(request.response().bodyText()).isEqualTo(injected(PAGE));
            assertThat(counters.snapshot().injected()).isEqualTo(1);
        }

        @Test
        void async_started_on_the_container_request_past_the_filter_is_still_finished() throws Exception {
            AtomicReference<ServletResponse> wrapped = new AtomicReference<>();
            InMemoryRequest request = InMemoryRequest.get("/page");
            run(request, (req, res) -> {
                request.startAsync(); // the container's request, e.g. through a CDI-injected HttpServletRequest
                wrapped.set(res);
            });

            wrapped.get().setContentType("text/html;charset=UTF-8");
            wrapped.get().getWriter().print("<p>no head, ends in a possible tag</he");
            request.getAsyncContext().complete();

            assertThat(request.response().bodyText()).isEqualTo("<p>no head, ends in a possible tag</he");
            assertThat(counters.snapshot().skipped(InjectionSkip.NO_HEAD)).isEqualTo(1);
        }
    }

    // --- behind the GZIP filter, in the real order ---------------------------------------------------------------

    @Nested
    class BehindGzip {

        private final GzipFilter gzip = new GzipFilter();

        @Test
        void the_client_gets_compressed_html_that_contains_the_snippet_once_and_json_untouched() throws Exception {
            String page = PAGE.replace("<p>", "<p>" + "filler ".repeat(400)); // above gzip's 1 KB threshold
            InMemoryRequest html = browser("/page");
            runBehindGzip(html, writesHtml(page));
            assertThat(html.response().getHeader("Content-Encoding")).isEqualTo("gzip");
            assertThat(html.response().getHeader(InjectionResponse.MARKER)).isEqualTo("injected");
            assertThat(gunzip(html.response().body())).isEqualTo(injected(page).getBytes(UTF_8));

            byte[] json = ("{\"html\":\"<head></head>\",\"pad\":\"" + "x".repeat(2000) + "\"}").getBytes(UTF_8);
            InMemoryRequest api = browser("/api/x");
            runBehindGzip(api, (req, res) -> {
                res.setContentType("application/json");
                res.getOutputStream().write(json);
            });
            assertThat(gunzip(api.response().body())).isEqualTo(json);
        }

        @Test
        void the_application_gets_one_request_wrapper_not_one_per_filter() throws Exception {
            // every layer is paid by every request method call after it, on every request (docs/performance.md, round 11)
            AtomicReference<HttpServletRequest> seen = new AtomicReference<>();
            InMemoryRequest request = browser("/page");
            runBehindGzip(request, (req, res) -> {
                seen.set(req);
                writesHtml(PAGE).handle(req, res);
            });
            assertThat(seen.get()).isInstanceOf(ServletRequestWrapper.class);
            assertThat(((ServletRequestWrapper) seen.get()).getRequest()).isSameAs(request);
            assertThat(request.response().bodyText()).isEqualTo(injected(PAGE)); // below gzip's 1 KB threshold
        }

        @Test
        void an_async_page_ending_in_held_units_loses_none_of_them_to_the_gzip_trailer() throws Exception {
            String page = "<p>" + "no head at all ".repeat(100) + "</p></hea";
            AtomicReference<ServletResponse> wrapped = new AtomicReference<>();
            AtomicReference<AsyncContext> context = new AtomicReference<>();
            InMemoryRequest request = browser("/page");
            runBehindGzip(request, (req, res) -> {
                context.set(req.startAsync());
                wrapped.set(res);
            });

            wrapped.get().setContentType("text/html;charset=UTF-8");
            wrapped.get().getWriter().print(page);
            context.get().complete();

            assertThat(request.response().getHeader("Content-Encoding")).isEqualTo("gzip");
            assertThat(new String(gunzip(request.response().body()), UTF_8)).isEqualTo(page);
        }

        @Test
        void a_real_snippet_whose_shared_part_goes_in_compressed_once_decodes_to_the_injected_page() throws Exception {
            Map<String, String> env = Map.of("POSTHOG_API_KEY", "phc_test0123456789abcdefghijklmnopqrstuvwxyz");
            PostHogSettings settings = PostHogSettings.from(new Settings(name -> Optional.ofNullable(env.get(name))));
            SnippetRenderer.Prepared prepared = SnippetRenderer.prepare(SnippetContext.of(settings, null, null, Map.of(),
                    null));
            SnippetContext.User ada = new SnippetContext.User("u-7", "ada@example.com", "Ada Lovelace");
            SnippetInjectionFilter real = new SnippetInjectionFilter(
                    (request, nonce) -> prepared.render(ada, "agnes.example", Map.of(), nonce), counters, List.of());
            // the head ends within the first write, as in a JSP; the table after it repeats the head's words, which
            // a deflater that remembered bytes it never saw would refer back to
            String page = PAGE.replace("<p>", "<p>" + "<title>Agnes</title><td>Zürich</td>".repeat(300));
            byte[] bytes = page.getBytes(UTF_8);
            for (int chunk : new int[] {bytes.length, 8192, 100}) {
                InMemoryRequest html = browser("/page");
                runBehindGzip(real, html, (req, res) -> {
                    res.setContentType("text/html;charset=UTF-8");
                    for (int i = 0; i < bytes.length; i += chunk) {
                        res.getOutputStream().write(bytes, i, Math.min(chunk, bytes.length - i));
                    }
                });
                assertThat(html.response().getHeader("Content-Encoding")).isEqualTo("gzip");
                assertThat(new String(gunzip(html.response().body()), UTF_8)).as("written in %d-byte chunks", chunk)
                        .isEqualTo(injected(page, prepared.render(ada, "agnes.example", Map.of(), null).text()));
            }
        }

        private void runBehindGzip(InMemoryRequest request, Application application) throws IOException, ServletException {
            runBehindGzip(filter, request, application);
        }

        private void runBehindGzip(SnippetInjectionFilter filter, InMemoryRequest request, Application application)
                throws IOException, ServletException {
            FilterChain app = (req, res) -> application.handle((HttpServletRequest) req, (HttpServletResponse) res);
            FilterChain injector = (req, res) -> filter.doFilter(req, res, app);
            request.dispatch(REQUEST, () -> gzip.doFilter(request, request.response(), injector));
        }

        private static InMemoryRequest browser(String uri) {
            return InMemoryRequest.get(uri).header("Accept-Encoding", "gzip");
        }

        private static byte[] gunzip(byte[] body) throws IOException {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                in.transferTo(out);
                return out.toByteArray();
            }
        }
    }

    // --- helpers -----------------------------------------------------------------------------------------------------

    /** The application behind the filter (the rest of the chain), with the HTTP types. */
    @FunctionalInterface
    interface Application {
        void handle(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException;
    }

    private static Application writesHtml(String page) {
        return (req, res) -> {
            res.setContentType("text/html;charset=UTF-8");
            res.getWriter().print(page);
        };
    }

    /** One REQUEST dispatch through the filter, then whatever the container does when it returns. */
    private void run(InMemoryRequest request, Application application) throws IOException, ServletException {
        FilterChain chain = (req, res) -> application.handle((HttpServletRequest) req, (HttpServletResponse) res);
        request.dispatch(REQUEST, () -> filter.doFilter(request, request.response(), chain));
    }

    private static InjectionResponse wrapper(InMemoryRequest request) {
        return (InjectionResponse) request.getAttribute(SnippetInjectionFilter.RESPONSE_ATTRIBUTE);
    }

    private record CompletionFlag(AtomicBoolean completed) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            completed.set(true);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
        }

        @Override
        public void onError(AsyncEvent event) {
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
