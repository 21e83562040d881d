package io.agnes.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A job run against a real HTTP server on loopback standing in for Agnes' API. */
class JobRunnerTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch neverAnswer = new CountDownLatch(1);
    private HttpServer server;
    private String base;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/health", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/api/sync/trigger", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"detail\":\"A sync is already running\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(409, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/api/admin/run-catalog-enrichment", exchange -> {
            try {
                neverAnswer.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @AfterEach
    void stop() {
        neverAnswer.countDown();
        server.stop(0);
    }

    @Test
    void aSuccessfulCallIsAnOkRunWithItsStatusAndSendsTheSecret() {
        JobRun run = JobRunner.call(http, ScheduledJob.HEALTH_CHECK, base, "the-secret", Duration.ofSeconds(5));
        assertThat(run.getOutcome()).isEqualTo("ok");
        assertThat(run.getHttpStatus()).isEqualTo(200);
        assertThat(run.getError()).isNull();
        assertThat(run.getJob()).isEqualTo("health_check");
        assertThat(seen).containsExactly("GET Bearer the-secret");
    }

    @Test
    void anHttpErrorIsAFailedRunWithTheStatusAndTheServersDetail() {
        JobRun run = JobRunner.call(http, ScheduledJob.DATA_REFRESH, base, "s", Duration.ofSeconds(5));
        assertThat(run.getOutcome()).isEqualTo("failed");
        assertThat(run.getHttpStatus()).isEqualTo(409);
        assertThat(run.getError()).isEqualTo("HTTP 409: {\"detail\":\"A sync is already running\"}");
        assertThat(seen).containsExactly("POST Bearer s");
    }

    @Test
    void anUnreachableServerIsAFailedRunWithoutStatus() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        JobRun run = JobRunner.call(http, ScheduledJob.HEALTH_CHECK, "http://127.0.0.1:" + closedPort, "s", Duration.ofSeconds(5));
        assertThat(run.getOutcome()).isEqualTo("failed");
        assertThat(run.getHttpStatus()).isNull();
        assertThat(run.getError()).startsWith("ConnectException");
    }

    @Test
    void aServerThatNeverAnswersFailsTheRunAtTheTimeout() {
        JobRun run = JobRunner.call(http, ScheduledJob.CATALOG_ENRICHMENT, base, "s", Duration.ofMillis(300));
        assertThat(run.getOutcome()).isEqualTo("failed");
        assertThat(run.getHttpStatus()).isNull();
        assertThat(run.getError()).startsWith("no answer within");
        assertThat(run.getDurationMs()).isBetween(250L, 5_000L);
    }

    @Test
    void aMalformedBaseUrlIsAFailedRunNotACrash() {
        JobRun run = JobRunner.call(http, ScheduledJob.HEALTH_CHECK, "not a url", "s", Duration.ofSeconds(1));
        assertThat(run.getOutcome()).isEqualTo("failed");
        assertThat(run.getError()).startsWith("IllegalArgumentException");
    }
}
