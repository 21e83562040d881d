package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.agnes.testing.FakePostHog;
import io.agnes.testing.InMemoryRequest;
import io.agnes.testing.InMemoryResponse;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The proxy against real HTTP servers on 127.0.0.1 standing in for PostHog's API and assets hosts. */
class PostHogProxyTest {

    private static final int MB = 1024 * 1024;

    private final Upstream api = new Upstream();
    private final Upstream assets = new Upstream();
    private final ProxyCounters counters = new ProxyCounters();
    private final CapturedLogs logs = new CapturedLogs(PostHogProxy.class);
    private PostHogProxy proxy = proxy(Duration.ofSeconds(1), PostHogProxy.MAX_REQUEST_BYTES);

    private PostHogProxy proxy(Duration timeout, long maxBytes) {
        ProxyRoute route = new ProxyRoute("/ingest", api.url(), assets.url(), "https://eu.posthog.com");
        return new PostHogProxy(route, timeout, maxBytes, counters);
    }

    @AfterEach
    void stop() {
        proxy.stop();
        api.close();
        assets.close();
        logs.close();
    }

    private InMemoryResponse forward(InMemoryRequest request) throws IOException {
        proxy.forward(request, request.response());
        return request.response();
    }

    @Test
    void aGzipBatchReachesPostHogsApiHostUnchangedWithItsQueryString() throws IOException {
        byte[] gzip = gzip("[{\"event\":\"$pageview\",\"properties\":{\"token\":\"phc_x\"}}]");

        InMemoryResponse response = forward(new InMemoryRequest("POST", "/agnes/ingest/e/?ip=0&ver=1.449.2&compression=gzip-js")
                .contextPath("/agnes").content(gzip, "text/plain"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("{\"status\":1}");
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        Upstream.Received received = api.only();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.target()).isEqualTo("/e/?ip=0&ver=1.449.2&compression=gzip-js");
        assertThat(received.body()).isEqualTo(gzip);
        assertThat(received.header("content-type")).isEqualTo("text/plain");
        assertThat(assets.received).isEmpty();
        assertThat(counters.snapshot().forwarded()).isEqualTo(1);
        assertThat(counters.snapshot().bytesUp()).isEqualTo(gzip.length);
    }

    @Test
    void anEmptyPostIsForwardedEmpty() throws IOException {
        InMemoryResponse response = forward(new InMemoryRequest("POST", "/ingest/e/").content(new byte[0], "text/plain"));

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(api.only().bodyLength()).isZero();
        assertThat(api.only().method()).isEqualTo("POST");
    }

    @Test
    void scriptsAndRemoteConfigComeFromTheAssetsHostWithTheirCachingHeaders() throws IOException {
        InMemoryResponse script = forward(InMemoryRequest.get("/ingest/static/array.js?v=1.449.2")
                .header("Accept-Encoding", "gzip").header("If-None-Match", "\"old\""));
        InMemoryResponse config = forward(InMemoryRequest.get("/ingest/array/phc_abc/config"));

        assertThat(script.getStatus()).isEqualTo(200);
        assertThat(script.bodyText()).isEqualTo("/* served for /static/array.js?v=1.449.2 */");
        assertThat(script.getHeader("Cache-Control")).isEqualTo("public, max-age=3600");
        assertThat(script.getHeader("ETag")).isEqualTo("\"v1\"");
        assertThat(script.getHeader("Content-Type")).isEqualTo("application/javascript");
        assertThat(config.getStatus()).isEqualTo(200);
        assertThat(assets.received).extracting(Upstream.Received::target)
                .containsExactly("/static/array.js?v=1.449.2", "/array/phc_abc/config");
        assertThat(assets.received.get(0).header("accept-encoding")).isEqualTo("gzip");
        assertThat(assets.received.get(0).header("if-none-match")).isEqualTo("\"old\"");
        assertThat(api.received).isEmpty();
    }

    @Test
    void postHogSeesItsOwnHostAndTheBrowsersAddressButNeverAgnesCredentialsOrCookiesComeBack() throws IOException {
        InMemoryResponse response = forward(new InMemoryRequest("POST", "/ingest/e/")
                .content("{}".getBytes(StandardCharsets.UTF_8), "application/json")
                .header("Host", "agnes.example")
                .header("Cookie", "JSESSIONID=agnes-session; ph_phc_x_posthog=abc")
                .header("Authorization", "Bearer agnes_pat_secret")
                .header("Origin", "https://agnes.example")
                .header("Referer", "https://agnes.example/query?token=secret")
                .header("X-Forwarded-For", "203.0.113.7, 10.0.0.2")
                .header("User-Agent", "Mozilla/5.0 test")
                .header("Connection", "keep-alive, X-Secret")
                .header("X-Secret", "internal")
                .header("X-Request-ID", "agnes-request"));

        Upstream.Received received = api.only();
        assertThat(received.header("host")).isEqualTo("127.0.0.1:" + api.port());
        assertThat(received.header("x-forwarded-for")).isEqualTo("203.0.113.7, 10.0.0.2, 127.0.0.1");
        assertThat(received.header("user-agent")).isEqualTo("Mozilla/5.0 test");
        assertThat(received.headers()).doesNotContainKeys("cookie", "authorization", "origin", "referer", "x-secret",
                "x-request-id");
        assertThat(received.headers().toString()).doesNotContain("agnes_pat_secret").doesNotContain("JSESSIONID")
                .doesNotContain("token=secret");

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeaderNames()).map(String::toLowerCase).doesNotContain("set-cookie", "x-upstream-internal");
        assertThat(response.cookies()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown, 203.0.113.7", "203.0.113.7\r\nX-Injected: 1", "<script>", "1.1.1.1,2.2.2.2,3.3.3.3,"
            + "4.4.4.4,5.5.5.5,6.6.6.6,7.7.7.7,8.8.8.8,9.9.9.9,10.10.10.10,11.11.11.11"})
    void aForgedOrOverlongForwardedChainIsDroppedAndOnlyTheRealPeerIsSent(String forged) throws IOException {
        forward(InMemoryRequest.get("/ingest/flags/?v=2").header("X-Forwarded-For", forged));

        assertThat(api.only().header("x-forwarded-for")).isEqualTo("127.0.0.1");
    }

    @Test
    void ipv6AddressesAreKept() {
        assertThat(ProxyHeaders.forwardedFor(java.util.Collections.enumeration(List.of("2001:db8::1")), "::1"))
                .isEqualTo("2001:db8::1, ::1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ingest/../api/users", "/ingest/%2e%2e/admin", "/ingest/e%2F..%2Fx", "/ingest//evil.example/",
            "/ingest/@evil.example/", "/ingest/http://evil.example/x", "/ingest/\\\\evil.example", "/ingest", "/ingest/",
            "/ingest/.git/config", "/ingest/e;x=1"})
    void aPathOutsideThePostHogAlphabetIs404AndReachesNobody(String path) throws IOException {
        InMemoryResponse response = forward(InMemoryRequest.get(path));

        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getContentType()).startsWith("application/json");
        assertThat(api.received).isEmpty();
        assertThat(assets.received).isEmpty();
        assertThat(counters.snapshot().refused()).isEqualTo(1);
    }

    @Test
    void onlyGetHeadPostAndOptionsAreForwarded() throws IOException {
        for (String method : new String[] {"PUT", "DELETE", "PATCH", "TRACE", "CONNECT"}) {
            InMemoryResponse response = forward(new InMemoryRequest(method, "/ingest/e/"));
            assertThat(response.getStatus()).as(method).isEqualTo(405);
            assertThat(response.getHeader("Allow")).isEqualTo("GET, HEAD, POST, OPTIONS");
        }
        assertThat(api.received).isEmpty();

        InMemoryResponse head = forward(new InMemoryRequest("HEAD", "/ingest/static/array.js"));
        InMemoryResponse options = forward(new InMemoryRequest("OPTIONS", "/ingest/e/"));
        assertThat(head.getStatus()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(options.getStatus()).isEqualTo(200);
        assertThat(assets.received).extracting(Upstream.Received::method).containsExactly("HEAD");
        assertThat(api.received).extracting(Upstream.Received::method).containsExactly("OPTIONS");
    }

    @Test
    void aBodyAboveTheLimitIs413ByItsLengthBeforeAnythingIsSentOrWhileStreaming() throws IOException {
        proxy.stop();
        proxy = proxy(Duration.ofSeconds(2), 1000);

        InMemoryResponse declared = forward(new InMemoryRequest("POST", "/ingest/s/").content(new byte[1001], "text/plain"));
        assertThat(declared.getStatus()).isEqualTo(413);
        assertThat(api.received).isEmpty();

        InMemoryRequest chunked = new InMemoryRequest("POST", "/ingest/s/");
        InMemoryResponse streamed = chunked.response();
        proxy.forward(new Streaming(chunked, new Generated(5000, 0, null)), streamed);
        assertThat(streamed.getStatus()).isEqualTo(413);
        assertThat(streamed.bodyText()).contains("larger than 1000 bytes");

        assertThat(forward(new InMemoryRequest("POST", "/ingest/s/").content(new byte[1000], "text/plain")).getStatus())
                .isEqualTo(200);
    }

    @Test
    void aTwentyMegabyteReplayStreamsThroughBeforeTheBrowserHasSentItAll() throws Exception {
        // the browser sends 1 MB, then waits until PostHog has received half of it: a proxy that held the whole
        // body before forwarding would never get there
        CountDownLatch upstreamGotBytes = new CountDownLatch(1);
        api.onBody = received -> {
            if (received >= MB / 2) {
                upstreamGotBytes.countDown();
            }
        };
        Generated body = new Generated(20 * MB, MB, upstreamGotBytes);
        InMemoryRequest request = new InMemoryRequest("POST", "/ingest/s/?compression=gzip-js");
        proxy.stop();
        proxy = proxy(Duration.ofSeconds(5), PostHogProxy.MAX_REQUEST_BYTES);

        proxy.forward(new Streaming(request, body), request.response());

        assertThat(body.waitedInVain).as("PostHog got bytes while the browser was still sending").isFalse();
        assertThat(request.response().getStatus()).isEqualTo(200);
        Upstream.Received received = api.only();
        assertThat(received.bodyLength()).isEqualTo(20 * MB);
        assertThat(received.bodySum()).isEqualTo(body.expectedSum());
        assertThat(counters.snapshot().bytesUp()).isEqualTo(20L * MB);
    }

    @Test
    void aTwentyMegabyteAnswerReachesTheBrowserWhilePostHogIsStillSending() throws Exception {
        CountDownLatch browserGotBytes = new CountDownLatch(1);
        api.bigAnswer = new BigAnswer(20 * MB, MB, browserGotBytes);
        InMemoryRequest request = InMemoryRequest.get("/ingest/big");
        Counting browser = new Counting(request.response(), MB / 2, browserGotBytes);

        proxy.forward(request, browser);

        assertThat(api.bigAnswer.waitedInVain).as("the browser got bytes while PostHog was still sending").isFalse();
        assertThat(browser.count.get()).isEqualTo(20L * MB);
        assertThat(counters.snapshot().bytesDown()).isEqualTo(20L * MB);
    }

    @Test
    void proxiesBeforeAgnesStayInTheViaChainAndAgnesAddsItselfWhichBrowsersNeverSee() throws IOException {
        InMemoryResponse response = forward(InMemoryRequest.get("/ingest/flags/?v=2").header("Via", "1.1 corporate-proxy"));

        assertThat(api.only().header("via")).matches("1\\.1 corporate-proxy, 1\\.1 agnes-[0-9a-f]{12}");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeaderNames()).map(String::toLowerCase).doesNotContain("via");
    }

    @Test
    void aPostHogHostThatIsAgnesOwnProxyPathIsRefusedWhenTheRequestComesBackWithAWarningSayingWhatToSet()
            throws IOException {
        try (AgnesServer agnes = new AgnesServer()) {
            String ownPath = agnes.url() + "/ingest";
            agnes.proxy = new PostHogProxy(new ProxyRoute("/ingest", ownPath, ownPath, "x"), Duration.ofSeconds(5),
                    1000, counters);
            try {
                long started = System.nanoTime();
                agnes.proxy.forward(new InMemoryRequest("POST", "/ingest/batch/").content("{}".getBytes(), "text/plain"),
                        browser());

                assertThat(lastBrowser.getStatus()).as("PostHog's client gets the loop, not a hang").isEqualTo(508);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
                assertThat(agnes.requests).as("forwarded once, refused when it came back").hasValue(1);
                assertThat(counters.snapshot().forwarded()).isEqualTo(1);
                assertThat(counters.snapshot().refused()).isEqualTo(1);
                assertThat(logs.lines()).singleElement().asString().contains("POSTHOG_HOST=" + ownPath)
                        .contains("508").contains("https://eu.i.posthog.com");
            } finally {
                agnes.proxy.stop();
            }
        }
    }

    @Test
    void twoAgnesProxiesPointingAtEachOtherStopWhenTheRequestReachesTheFirstAgain() throws IOException {
        try (AgnesServer first = new AgnesServer(); AgnesServer second = new AgnesServer()) {
            first.proxy = new PostHogProxy(new ProxyRoute("/ingest", second.url() + "/ingest", second.url() + "/ingest",
                    "x"), Duration.ofSeconds(5), 1000, counters);
            second.proxy = new PostHogProxy(new ProxyRoute("/ingest", first.url() + "/ingest", first.url() + "/ingest",
                    "x"), Duration.ofSeconds(5), 1000, new ProxyCounters());
            try {
                first.proxy.forward(InMemoryRequest.get("/ingest/flags/?v=2"), browser());

                assertThat(lastBrowser.getStatus()).isEqualTo(508);
                assertThat(second.requests).hasValue(1);
                assertThat(first.requests).as("back at the first proxy: refused there").hasValue(1);
            } finally {
                first.proxy.stop();
                second.proxy.stop();
            }
        }
    }

    @Test
    void aRequestThatPassedMoreProxiesThanAnyWayToPostHogIsRefused() throws IOException {
        String eleven = String.join(", ", java.util.Collections.nCopies(ProxyHeaders.MAX_VIA_HOPS, "1.1 somewhere"));

        InMemoryResponse response = forward(InMemoryRequest.get("/ingest/flags/").header("Via", eleven));

        assertThat(response.getStatus()).isEqualTo(508);
        assertThat(api.received).isEmpty();
    }

    private InMemoryResponse lastBrowser;

    private InMemoryResponse browser() {
        lastBrowser = new InMemoryRequest("GET", "/").response();
        return lastBrowser;
    }

    @Test
    void postHogDownIsA502AtOnceCountedAndLoggedOncePerInterval() throws IOException {
        ProxyRoute down = new ProxyRoute("/ingest", FakePostHog.url(FakePostHog.unusedPort()), assets.url(), "x");
        proxy.stop();
        proxy = new PostHogProxy(down, Duration.ofSeconds(5), 1000, counters);

        long started = System.nanoTime();
        InMemoryResponse first = forward(new InMemoryRequest("POST", "/ingest/e/?token=secret").content("{}".getBytes(), "text/plain"));
        InMemoryResponse second = forward(InMemoryRequest.get("/ingest/flags/"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        assertThat(first.getStatus()).isEqualTo(502);
        assertThat(second.getStatus()).isEqualTo(502);
        assertThat(first.getContentType()).startsWith("application/json");
        assertThat(counters.snapshot().upstreamFailures()).isEqualTo(2);
        assertThat(logs.lines()).singleElement().asString().contains("could not be reached").contains("/e/")
                .doesNotContain("secret");
    }

    @Test
    void postHogThatNeverAnswersIsA504AfterTheTimeoutNotLater() throws IOException {
        proxy.stop();
        proxy = proxy(Duration.ofMillis(500), 1000);

        long started = System.nanoTime();
        InMemoryResponse response = forward(new InMemoryRequest("POST", "/ingest/hang").content("{}".getBytes(), "text/plain"));

        assertThat(response.getStatus()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(3));
        assertThat(counters.snapshot().upstreamFailures()).isEqualTo(1);
    }

    @Test
    void postHogStallingInTheMiddleOfAnAnswerReleasesTheThreadAfterTheTimeout() throws IOException {
        proxy.stop();
        proxy = proxy(Duration.ofMillis(500), 1000);

        long started = System.nanoTime();
        InMemoryResponse response = forward(InMemoryRequest.get("/ingest/stall"));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(counters.snapshot().upstreamFailures()).isEqualTo(1);
        assertThat(response.getStatus()).isIn(200, 504); // 200 if the first bytes were already on their way
    }

    @Test
    void stoppingEndsEveryThreadOfTheProxy() throws IOException {
        forward(InMemoryRequest.get("/ingest/flags/"));

        proxy.stop();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("posthog-proxy")));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    /** A request whose body comes from a stream of unknown length (chunked), as a browser's upload does. */
    private static final class Streaming extends HttpServletRequestWrapper {

        private final InputStream body;

        Streaming(InMemoryRequest request, InputStream body) {
            super(request);
            this.body = body;
        }

        @Override
        public long getContentLengthLong() {
            return -1;
        }

        @Override
        public int getContentLength() {
            return -1;
        }

        @Override
        public ServletInputStream getInputStream() {
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return body.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return body.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return false;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }

    /** {@code size} bytes of a pattern; after {@code pauseAt} bytes it waits (at most 10 s) for {@code gate}. */
    private static final class Generated extends InputStream {

        private final long size;
        private final long pauseAt;
        private final CountDownLatch gate;
        private long position;
        volatile boolean waitedInVain;

        Generated(long size, long pauseAt, CountDownLatch gate) {
            this.size = size;
            this.pauseAt = pauseAt;
            this.gate = gate;
        }

        long expectedSum() {
            long sum = 0;
            for (long i = 0; i < size; i++) {
                sum += (i * 31) & 0xff;
            }
            return sum;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (position >= size) {
                return -1;
            }
            if (gate != null && position == pauseAt) {
                try {
                    waitedInVain = !gate.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
            long end = Math.min(size, position + len);
            if (gate != null && position < pauseAt) {
                end = Math.min(end, pauseAt);
            }
            int n = (int) (end - position);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (((position + i) * 31) & 0xff);
            }
            position = end;
            return n;
        }
    }

    /** An answer of {@code size} bytes that pauses after {@code pauseAt} until the browser has some (at most 10 s). */
    private static final class BigAnswer {

        final long size;
        final long pauseAt;
        final CountDownLatch gate;
        volatile boolean waitedInVain;

        BigAnswer(long size, long pauseAt, CountDownLatch gate) {
            this.size = size;
            this.pauseAt = pauseAt;
            this.gate = gate;
        }
    }

    /** The browser's end of a response: counts bytes, keeps none; opens {@code gate} after {@code openAt} bytes. */
    private static final class Counting extends HttpServletResponseWrapper {

        final AtomicLong count = new AtomicLong();

        Counting(InMemoryResponse response, long openAt, CountDownLatch gate) {
            super(response);
            this.openAt = openAt;
            this.gate = gate;
        }

        private final long openAt;
        private final CountDownLatch gate;

        @Override
        public ServletOutputStream getOutputStream() {
            return new ServletOutputStream() {
                @Override
                public void write(int b) {
                    add(1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    add(len);
                }

                private void add(int n) {
                    if (count.addAndGet(n) >= openAt) {
                        gate.countDown();
                    }
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setWriteListener(WriteListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }

    /** An HTTP server on a free port of 127.0.0.1, started, every request to {@code handler} on daemon threads. */
    static HttpServer loopbackServer(String threadName, com.sun.net.httpserver.HttpHandler handler) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, threadName);
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/", handler);
        server.start();
        return server;
    }

    /** Agnes serving its proxy path on a real port of 127.0.0.1: every request there goes to {@link #proxy}. */
    static final class AgnesServer implements AutoCloseable {

        final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        volatile PostHogProxy proxy;
        private final HttpServer server = loopbackServer("test-agnes", this::handle);

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                requests.incrementAndGet();
                String query = exchange.getRequestURI().getRawQuery();
                InMemoryRequest request = new InMemoryRequest(exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
                exchange.getRequestHeaders().forEach((name, values) -> values.forEach(value -> request.header(name, value)));
                byte[] body = exchange.getRequestBody().readAllBytes();
                if (body.length > 0) {
                    request.content(body, exchange.getRequestHeaders().getFirst("Content-Type"));
                }
                proxy.forward(request, request.response());
                InMemoryResponse response = request.response();
                byte[] answer = response.body();
                if (response.getContentType() != null) {
                    exchange.getResponseHeaders().add("Content-Type", response.getContentType());
                }
                exchange.sendResponseHeaders(response.getStatus(), answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) {
                    exchange.getResponseBody().write(answer);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** PostHog's stand-in: records every request, answers by path. */
    static final class Upstream implements AutoCloseable {

        record Received(String method, String target, Map<String, String> headers, byte[] body, long bodyLength, long bodySum) {
            String header(String name) {
                return headers.get(name);
            }
        }

        final List<Received> received = new CopyOnWriteArrayList<>();
        volatile java.util.function.LongConsumer onBody = n -> { };
        volatile BigAnswer bigAnswer;
        private final CountDownLatch closing = new CountDownLatch(1);
        private final HttpServer server;

        Upstream() {
            server = loopbackServer("test-upstream", this::handle);
        }

        int port() {
            return server.getAddress().getPort();
        }

        String url() {
            return "http://127.0.0.1:" + port();
        }

        Received only() {
            assertThat(received).hasSize(1);
            return received.get(0);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                ByteArrayOutputStream kept = new ByteArrayOutputStream();
                long length = 0;
                long sum = 0;
                byte[] buffer = new byte[64 * 1024];
                try (InputStream in = exchange.getRequestBody()) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        for (int i = 0; i < n; i++) {
                            sum += buffer[i] & 0xff;
                        }
                        length += n;
                        if (kept.size() < MB) {
                            kept.write(buffer, 0, n);
                        }
                        onBody.accept(length);
                    }
                }
                Map<String, String> headers = new java.util.TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), String.join(", ", values)));
                String target = exchange.getRequestURI().getRawPath()
                        + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
                received.add(new Received(exchange.getRequestMethod(), target, headers, kept.toByteArray(), length, sum));
                String path = exchange.getRequestURI().getPath();
                if (path.equals("/hang")) {
                    await(closing, 30);
                    return;
                }
                if (path.equals("/stall")) {
                    exchange.sendResponseHeaders(200, 1000);
                    exchange.getResponseBody().write(new byte[10]);
                    exchange.getResponseBody().flush();
                    await(closing, 30);
                    return;
                }
                if (path.equals("/big")) {
                    sendBig(exchange, bigAnswer);
                    return;
                }
                byte[] answer;
                if (path.startsWith("/static/")) {
                    answer = ("/* served for " + target + " */").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/javascript");
                    exchange.getResponseHeaders().add("Cache-Control", "public, max-age=3600");
                    exchange.getResponseHeaders().add("ETag", "\"v1\"");
                } else {
                    answer = "{\"status\":1}".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                }
                exchange.getResponseHeaders().add("Set-Cookie", "upstream=1; Path=/");
                exchange.getResponseHeaders().add("X-Upstream-Internal", "yes");
                boolean head = exchange.getRequestMethod().equals("HEAD");
                exchange.sendResponseHeaders(200, head ? -1 : answer.length);
                if (!head) {
                    exchange.getResponseBody().write(answer);
                }
            }
        }

        private static void sendBig(HttpExchange exchange, BigAnswer big) throws IOException {
            exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, big.size);
            byte[] chunk = new byte[64 * 1024];
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < big.size; sent += chunk.length) {
                    if (sent == big.pauseAt) {
                        out.flush();
                        big.waitedInVain = !await(big.gate, 10);
                    }
                    out.write(chunk, 0, (int) Math.min(chunk.length, big.size - sent));
                }
            }
        }

        private static boolean await(CountDownLatch latch, int seconds) {
            try {
                return latch.await(seconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        @Override
        public void close() {
            closing.countDown();
            server.stop(0);
        }
    }
}
