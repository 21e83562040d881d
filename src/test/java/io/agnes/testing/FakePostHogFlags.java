package io.agnes.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * PostHog's feature-flag endpoints on 127.0.0.1: {@code POST /flags/?v=2} (remote evaluation) and
 * {@code GET /api/feature_flag/local_evaluation/} (definitions for local evaluation, with an {@code ETag} and
 * 304 for an unchanged set). Records every request; answers each with the next scripted {@link Reply} for its
 * endpoint, then with the endpoint's default.
 */
public final class FakePostHogFlags implements AutoCloseable {

    public static final String FLAGS_PATH = "/flags/";
    public static final String DEFINITIONS_PATH = "/api/feature_flag/local_evaluation/";
    /** Events are accepted (200) and kept, so flag exposure events can be checked too. */
    public static final String BATCH_PATH = "/batch/";

    /** One request as received; header names lower case. */
    public record Received(String method, String path, String query, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** A status with a body (JSON) and headers, or {@link #HANG}: read the request, never answer. */
    public record Reply(int status, String body, Map<String, String> headers) {

        public static final Reply HANG = new Reply(0, "", Map.of());

        public static Reply json(String body) {
            return new Reply(200, body, Map.of());
        }

        public static Reply status(int status, String body) {
            return new Reply(status, body, Map.of());
        }
    }

    private final HttpServer server;
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-posthog-flags-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Queue<Reply> flagsScript = new ConcurrentLinkedQueue<>();
    private final Queue<Reply> definitionsScript = new ConcurrentLinkedQueue<>();
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Reply> flagsAnswer = request -> Reply.json("{\"flags\":{},\"errorsWhileComputingFlags\":false}");
    private volatile String definitions = "{\"flags\":[],\"group_type_mapping\":{},\"cohorts\":{}}";
    private volatile String etag = "\"v1\"";
    private final AtomicInteger version = new AtomicInteger(1);

    private FakePostHogFlags() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FakePostHogFlags start() {
        return new FakePostHogFlags();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code /flags} answers {@code {"flags": <flagsObject>, "errorsWhileComputingFlags": false}} from now on. */
    public FakePostHogFlags flags(String flagsObject) {
        String body = "{\"flags\":" + flagsObject + ",\"errorsWhileComputingFlags\":false,\"requestId\":\"fake\"}";
        flagsAnswer = request -> Reply.json(body);
        return this;
    }

    /** {@code /flags} answers each request with what {@code answer} makes of it from now on. */
    public FakePostHogFlags flagsAnswer(Function<Received, Reply> answer) {
        flagsAnswer = answer;
        return this;
    }

    /** The next {@code /flags} requests get these answers, in order. */
    public FakePostHogFlags thenFlags(Reply... replies) {
        flagsScript.addAll(List.of(replies));
        return this;
    }

    /** The definitions document from now on, with a new ETag. */
    public FakePostHogFlags definitions(String document) {
        definitions = document;
        etag = "\"v" + version.incrementAndGet() + "\"";
        return this;
    }

    /** The next definitions requests get these answers, in order (before the ETag logic). */
    public FakePostHogFlags thenDefinitions(Reply... replies) {
        definitionsScript.addAll(List.of(replies));
        return this;
    }

    public List<Received> requests() {
        return List.copyOf(requests);
    }

    public List<Received> flagsRequests() {
        return requests.stream().filter(r -> r.path().equals(FLAGS_PATH)).toList();
    }

    /** The bodies (decompressed JSON text) of the event batches received. */
    public List<String> batches() {
        return requests.stream().filter(r -> r.path().equals(BATCH_PATH)).map(Received::body).toList();
    }

    public List<Received> definitionsRequests() {
        return requests.stream().filter(r -> r.path().equals(DEFINITIONS_PATH)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            byte[] raw = exchange.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(headers.get("content-encoding"))) {
                raw = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes();
            }
            String body = new String(raw, StandardCharsets.UTF_8);
            Received received = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawQuery(), headers, body);
            requests.add(received);
            Reply reply;
            if (received.path().equals(FLAGS_PATH)) {
                reply = flagsScript.poll();
                if (reply == null) {
                    reply = flagsAnswer.apply(received);
                }
            } else if (received.path().equals(DEFINITIONS_PATH)) {
                reply = definitionsScript.poll();
                if (reply == null) {
                    String current = etag;
                    reply = current.equals(received.header("If-None-Match"))
                            ? new Reply(304, "", Map.of("ETag", current))
                            : new Reply(200, definitions, Map.of("ETag", current));
                }
            } else if (received.path().equals(BATCH_PATH)) {
                reply = Reply.json("{\"status\":1}");
            } else {
                reply = Reply.status(404, "{\"detail\":\"not a flags endpoint\"}");
            }
            if (reply.status() == 0) {
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            if (reply.status() == 304) {
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            byte[] answer = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
