package io.agnes.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * PostHog's capture API on 127.0.0.1: decodes (gzip) batch bodies, records every request, and answers each
 * with the next scripted {@link Reply} (then with the default one). Events count as delivered only when the
 * fake answered their request with 2xx, as PostHog acknowledges them.
 */
public final class FakePostHog implements AutoCloseable {

    /** One request as received. Header names lower case; {@code body} is the decompressed JSON. */
    public record Received(String method, String path, Map<String, String> headers, int compressedBytes, int bodyBytes,
            JsonObject body, Reply reply, long arrivedNanos) {

        public List<JsonObject> events() {
            return body.getJsonArray("batch").getValuesAs(JsonObject.class);
        }

        public List<String> uuids() {
            return events().stream().map(e -> e.getString("uuid")).toList();
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One scripted answer: a status (with headers), or {@link #HANG}: read the request, never answer. */
    public record Reply(int status, Map<String, String> headers) {

        public static final Reply OK = new Reply(200, Map.of());
        public static final Reply HANG = new Reply(0, Map.of());

        public static Reply status(int status) {
            return new Reply(status, Map.of());
        }

        public static Reply status(int status, String header, String value) {
            return new Reply(status, Map.of(header, value));
        }
    }

    private final HttpServer server;
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-posthog-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private final List<JsonObject> delivered = new CopyOnWriteArrayList<>();
    private final AtomicInteger hanging = new AtomicInteger();
    private volatile Reply otherwise = Reply.OK;
    private final List<String> flagsBodies = new CopyOnWriteArrayList<>();
    private volatile String flagsAnswer = "{\"flags\":{},\"errorsWhileComputingFlags\":false}";
    private final List<BrowserRequest> browserRequests = new CopyOnWriteArrayList<>();

    /**
     * One request of posthog-js to {@code /e/}: path, raw query, lower-case headers (first values) and the body as
     * text, decompressed when {@code compression=gzip-js} or {@code Content-Encoding: gzip} says it is gzip.
     */
    public record BrowserRequest(String path, String query, Map<String, String> headers, String body) {
    }

    private FakePostHog(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakePostHog start() {
        return new FakePostHog(0);
    }

    /** On a given port, e.g. one a client has been refused on so far. */
    public static FakePostHog startOn(int port) {
        return new FakePostHog(port);
    }

    /** A loopback port nobody listens on: connections to it are refused. */
    public static int unusedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String url(int port) {
        return "http://127.0.0.1:" + port;
    }

    public String url() {
        return url(server.getAddress().getPort());
    }

    /** The next requests get these answers, in order. */
    public FakePostHog then(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Requests beyond the script get this answer. */
    public void otherwise(Reply reply) {
        otherwise = reply;
    }

    public List<Received> requests() {
        return List.copyOf(requests);
    }

    /** Events whose request was answered 2xx, in arrival order. */
    public List<JsonObject> delivered() {
        return List.copyOf(delivered);
    }

    public List<String> deliveredUuids() {
        return delivered.stream().map(e -> e.getString("uuid")).toList();
    }

    /** Requests read and held without an answer right now. */
    public int hangingNow() {
        return hanging.get();
    }

    /**
     * {@code POST /flags/} (server-side feature flags) answers {@code {"flags": <flagsObject>}} from now on (default:
     * no flags, so every flag check gets its default). Flag requests are not batches: they are kept apart from
     * {@link #requests()}, in {@link #flagsBodies()}.
     */
    public FakePostHog flags(String flagsObject) {
        flagsAnswer = "{\"flags\":" + flagsObject + ",\"errorsWhileComputingFlags\":false}";
        return this;
    }

    /** The bodies of the {@code /flags/} requests received, in order. */
    public List<String> flagsBodies() {
        return List.copyOf(flagsBodies);
    }

    private void handle(HttpExchange exchange) throws IOException {
        if (exchange.getRequestURI().getPath().startsWith("/flags")) {
            answerFlags(exchange);
            return;
        }
        if (exchange.getRequestURI().getPath().startsWith("/e/")) {
            answerBrowserEvents(exchange);
            return;
        }
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            boolean gzip = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            byte[] json = gzip ? new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes() : raw;
            JsonObject body;
            try (JsonReader reader = Json.createReader(new ByteArrayInputStream(json))) {
                body = reader.readObject();
            }
            Map<String, String> headers = new java.util.TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            Reply reply = script.poll();
            if (reply == null) {
                reply = otherwise;
            }
            Received received = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                    raw.length, json.length, body, reply, System.nanoTime());
            requests.add(received);
            if (reply.status() == 0) {
                hanging.incrementAndGet();
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    hanging.decrementAndGet();
                }
                return;
            }
            if (reply.status() >= 200 && reply.status() < 300) {
                // recorded before the answer leaves: once the client has its 200, the test sees the events
                delivered.addAll(received.events());
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] answer = (reply.status() < 300 ? "{\"status\":\"Ok\"}" : "{\"error\":\"scripted " + reply.status() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    private void answerFlags(HttpExchange exchange) throws IOException {
        try (exchange) {
            flagsBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] answer = flagsAnswer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    /** The browser's {@code /e/} requests received, in order (kept apart from the server's batches). */
    public List<BrowserRequest> browserRequests() {
        return List.copyOf(browserRequests);
    }

    private void answerBrowserEvents(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] raw = exchange.getRequestBody().readAllBytes();
            String query = exchange.getRequestURI().getRawQuery();
            boolean gzip = (query != null && query.contains("compression=gzip-js"))
                    || "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"));
            byte[] body = gzip ? new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes() : raw;
            Map<String, String> headers = new java.util.TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            browserRequests.add(new BrowserRequest(exchange.getRequestURI().getPath(), query, headers,
                    new String(body, StandardCharsets.UTF_8)));
            byte[] answer = "{\"status\":1}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }
    }

    public static String string(JsonObject object, String key) {
        JsonValue value = object.get(key);
        return value == null ? null : value.getValueType() == JsonValue.ValueType.STRING
                ? object.getString(key) : value.toString();
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
