package io.agnes.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.testing.InMemoryRequest;
import io.agnes.testing.InMemoryResponse;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DebugLoadPageServletTest {

    @Test
    void servesAnHtmlPageOfExactlyTheRequestedSizeWithItsHeadFirst() throws Exception {
        InMemoryResponse response = get("/debug/page?kb=30", true);

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).startsWith("text/html");
        byte[] body = response.body();
        assertThat(body).hasSize(30 * 1024);
        String page = new String(body, StandardCharsets.US_ASCII);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("</head>\n<body>").endsWith("</html>\n");
        assertThat(page.indexOf("</head>")).isLessThan(300);
    }

    @Test
    void writesInChunksOfTheRequestedSizeAndFlushesOnlyWhenAsked() throws Exception {
        List<Integer> writes = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int[] flushes = {0};
        OutputStream counting = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("single-byte write");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(len);
                all.write(b, off, len);
            }

            @Override
            public void flush() {
                flushes[0]++;
            }
        };

        DebugLoadPageServlet.write(counting, 10_000, 4096, true, 0);

        assertThat(writes).containsExactly(4096, 4096, 1808);
        assertThat(flushes[0]).isEqualTo(3);
        assertThat(all.size()).isEqualTo(10_000);
        flushes[0] = 0;
        DebugLoadPageServlet.write(counting, 10_000, 4096, false, 0);
        assertThat(flushes[0]).isZero();
    }

    @Test
    void theSamePageWhateverTheChunkSize() throws Exception {
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        DebugLoadPageServlet.write(whole, 100_003, DebugLoadPageServlet.MAX_CHUNK, false, 0);
        for (int chunk : new int[] {64, 97, 8192}) {
            ByteArrayOutputStream chunked = new ByteArrayOutputStream();
            DebugLoadPageServlet.write(chunked, 100_003, chunk, false, 0);
            assertThat(chunked.toByteArray()).as("chunk " + chunk).isEqualTo(whole.toByteArray());
        }
        String page = whole.toString(StandardCharsets.US_ASCII);
        assertThat(page).hasSize(100_003).contains("<tr><td>2026-11-27</td>").endsWith("</table>\n</body>\n</html>\n");
        assertThat(page.substring(0, page.lastIndexOf("</table>")).stripTrailing()).endsWith("</tr>");
    }

    @Test
    void pausesAfterEveryWriteWhenAsked() throws Exception {
        long start = System.nanoTime();
        DebugLoadPageServlet.write(OutputStream.nullOutputStream(), 4096, 1024, false, 20);
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(4 * 20);
    }

    @Test
    void aPageSmallerThanItsHeadAndTailIsStillWholeHtml() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DebugLoadPageServlet.write(out, 1, 64, false, 0);
        assertThat(out.toString(StandardCharsets.US_ASCII)).contains("</head>").endsWith("</html>\n");
    }

    @Test
    void markerAsksTheInjectorToLeaveThePageAlone() throws Exception {
        assertThat(get("/debug/page?kb=30&marker=1", true).getHeader("x-datadog-rum-injected")).isEqualTo("1");
        assertThat(get("/debug/page?kb=30", true).containsHeader("x-datadog-rum-injected")).isFalse();
    }

    @Test
    void isNotFoundWithoutDebug() throws Exception {
        InMemoryResponse response = get("/debug/page?kb=30", false);
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.body()).isEmpty();
    }

    @Test
    void badNumbersGetA400NamingTheRange() throws Exception {
        assertThat(get("/debug/page?kb=0", true).getStatus()).isEqualTo(400);
        InMemoryResponse huge = get("/debug/page?kb=99999999", true);
        assertThat(huge.getStatus()).isEqualTo(400);
        assertThat(huge.getErrorMessage()).contains("kb must be a whole number from 1 to 20480", "99999999");
        assertThat(get("/debug/page?chunk=abc", true).getErrorMessage()).contains("chunk must be a whole number from 64");
        assertThat(get("/debug/page?pause=5000", true).getErrorMessage()).contains("pause must be a whole number from 0 to 1000");
    }

    private static InMemoryResponse get(String uri, boolean debug) throws Exception {
        DebugLoadPageServlet servlet = new DebugLoadPageServlet();
        servlet.settings = new Settings(key -> Optional.ofNullable(Map.of("DEBUG", debug ? "1" : "0").get(key)));
        InMemoryRequest request = InMemoryRequest.get(uri);
        InMemoryResponse response = request.response();
        servlet.doGet(request, response);
        response.flushBuffer();
        return response;
    }
}
