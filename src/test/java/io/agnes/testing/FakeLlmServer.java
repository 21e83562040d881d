package io.agnes.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An LLM API on 127.0.0.1 that answers with scripted replies, in order, and records every request it gets.
 * The wire formats live in {@link AnthropicWire} and {@link OpenAiWire}.
 */
public final class FakeLlmServer implements AutoCloseable {

    /** One request as received. Header names are lower case. */
    public record Received(String method, String path, Map<String, String> headers, String body, long arrivedNanos) {

        public JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One scripted reply; {@link #NO_ANSWER} holds the request open until the server closes. */
    public record Reply(int status, Map<String, String> headers, String body) {

        public static final Reply NO_ANSWER = new Reply(0, Map.of(), "");

        public static Reply json(int status, String body) {
            return new Reply(status, Map.of(), body);
        }

        public Reply withHeader(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, more, body);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closing = new CountDownLatch(1);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Function<Received, Reply>> script = new ArrayDeque<>();
    private Function<Received, Reply> always;

    public FakeLlmServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues replies, used one per request in order. */
    public synchronized FakeLlmServer reply(Reply... replies) {
        for (Reply reply : replies) {
            script.add(request -> reply);
        }
        return this;
    }

    /** Answers every request the queue does not cover with {@code responder}. */
    public synchronized FakeLlmServer replyAlways(Function<Received, Reply> responder) {
        always = responder;
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT),
                String.join(",", values)));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
                body, System.nanoTime());
        received.add(request);
        Function<Received, Reply> responder;
        synchronized (this) {
            responder = script.isEmpty() ? always : script.poll();
        }
        Reply reply = responder == null
                ? Reply.json(599, "{\"error\":\"the fake LLM server has no reply scripted for this request\"}")
                : responder.apply(request);
        if (reply == Reply.NO_ANSWER) {
            try {
                closing.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
            return;
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(reply.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
