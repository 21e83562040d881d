package io.agnes.observability;

import io.agnes.testing.InMemoryRequest;
import io.agnes.web.Settings;
import jakarta.servlet.FilterChain;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One HTML response written by the application in chunks through {@link SnippetInjectionFilter} (with the real
 * snippet renderer), against the same chunks copied straight into the same container buffer. Score = responses
 * per second; MB/s = score × page size. Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes
 * allocated per response.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SnippetInjectionBenchmark {

    @Param({"30720", "2097152", "10485760"})
    int pageBytes;

    @Param({"256", "65536"})
    int chunkBytes;

    byte[] page;
    SnippetInjectionFilter filter;

    @Setup
    public void setUp() throws Exception {
        page = page(pageBytes);
        Map<String, String> env = Map.of("POSTHOG_API_KEY", "phc_benchmark0123456789abcdefghijklmnopqrstuv");
        PostHogSettings settings = PostHogSettings.from(new Settings(name -> Optional.ofNullable(env.get(name))));
        SnippetContext.User user = new SnippetContext.User("42", "zoe@example.com", "Zoë");
        // as the server's filter does: the shared part prepared once, each page adds its user, host and nonce
        SnippetRenderer.Prepared prepared = SnippetRenderer.prepare(SnippetContext.of(settings, null, null, Map.of(), null));
        filter = new SnippetInjectionFilter(
                (request, nonce) -> prepared.render(user, "agnes.example.com", Map.of(), nonce),
                new InjectionCounters(), List.of("/api/docs"));
        long injected = injector();
        long plain = passThrough();
        if (plain != page.length || injected <= plain) {
            throw new IllegalStateException("the injector did not inject: " + injected + " bytes vs " + plain);
        }
        snippetBytes = injected - plain;
    }

    /** Bytes the snippet adds to a page (checked at set-up: the benchmark measures a real injection). */
    long snippetBytes;

    /** A page of the given size: a typical Agnes head, then table rows until the size is reached. */
    static byte[] page(int size) {
        StringBuilder html = new StringBuilder(size + 200);
        html.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Agnes — report</title>"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<link rel=\"stylesheet\" href=\"/static/app.css\"><script src=\"/static/app.js\" defer></script>"
                + "</head><body><header><h1>Agnes</h1></header><main><table>");
        int row = 0;
        while (html.length() < size - 40) {
            html.append("<tr><td>").append(row++).append("</td><td>Zürich</td><td class=\"num\">1234.56</td></tr>\n");
        }
        html.append("</table></main></body></html>");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The application: sets the HTML content type and writes the page in chunks to the output stream. */
    private final FilterChain application = (request, response) -> {
        response.setContentType("text/html;charset=UTF-8");
        var out = response.getOutputStream();
        for (int offset = 0; offset < page.length; offset += chunkBytes) {
            out.write(page, offset, Math.min(chunkBytes, page.length - offset));
        }
    };

    @Benchmark
    public long injector() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/reports/42");
        CountingSinkResponse response = new CountingSinkResponse();
        filter.doFilter(request, response, application);
        return response.bodyLength();
    }

    @Benchmark
    public long passThrough() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/reports/42");
        CountingSinkResponse response = new CountingSinkResponse();
        application.doFilter(request, response);
        return response.bodyLength();
    }
}
