package io.agnes.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncRunnerTest {

    @TempDir
    Path dataDir;

    AnalyticsFixture fixture;
    ExecutorService executor = Executors.newSingleThreadExecutor();
    SyncRunner runner;
    HttpServer server;

    @BeforeEach
    void setUp() {
        fixture = new AnalyticsFixture(dataDir);
        Orchestrator orchestrator = new Orchestrator();
        orchestrator.rebuilder = fixture.rebuilder;
        runner = new SyncRunner();
        runner.orchestrator = orchestrator;
        runner.sources = fixture.sources;
        runner.executor = executor;
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(0);
        }
        executor.shutdownNow();
        fixture.close();
    }

    @Test
    void triggerReturnsAtOnceAndTheStatusShowsTheRunThenItsReport() throws Exception {
        CountDownLatch release = slowSource();

        SyncStatus started = runner.trigger();

        assertThat(started.running()).isTrue();
        assertThat(started.op()).isEqualTo("rebuild");
        assertThat(started.startedAt()).isNotNull();
        assertThat(started.lastRun()).isNull();
        assertThatThrownBy(() -> runner.trigger())
                .isInstanceOf(SyncAlreadyRunningException.class).hasMessageContaining("already running");
        assertThatThrownBy(() -> runner.trigger("slow")).isInstanceOf(SyncAlreadyRunningException.class);

        release.countDown();
        await().atMost(20, TimeUnit.SECONDS).until(() -> !runner.status().running());
        SyncStatus done = runner.status();
        assertThat(done.startedAt()).isNull();
        assertThat(done.lastRun().status()).isEqualTo("ok");
        assertThat(done.lastRun().sources()).singleElement().satisfies(s -> assertThat(s.rows()).isEqualTo(2));
        assertThat(runner.trigger().running()).as("a new run can start once the last one ended").isTrue();
        await().atMost(20, TimeUnit.SECONDS).until(() -> !runner.status().running());
    }

    @Test
    void aFailedRunEndsWithItsReportAndAnUnknownSourceIsRefusedBeforeStarting() throws Exception {
        Files.writeString(dataDir.resolve("sources.json"), """
                {"sources": [{"name": "shop", "kind": "csv", "tables": [{"name": "orders", "file": "absent.csv"}]}]}""");

        assertThatThrownBy(() -> runner.trigger("nope")).isInstanceOf(UnknownSourceException.class);
        assertThat(runner.status().running()).isFalse();

        SyncStatus started = runner.trigger("shop");
        assertThat(started.op()).isEqualTo("rebuild_source");
        assertThat(started.source()).isEqualTo("shop");
        await().atMost(20, TimeUnit.SECONDS).until(() -> !runner.status().running());
        SyncReport report = runner.status().lastRun();
        assertThat(report.status()).isEqualTo("failed");
        assertThat(report.sources().get(0).error()).contains("file not found");

        Files.writeString(dataDir.resolve("sources.json"), "{");
        runner.trigger();
        await().atMost(20, TimeUnit.SECONDS).until(() -> !runner.status().running());
        assertThat(runner.status().lastRun().status()).isEqualTo("failed");
        assertThat(runner.status().lastRun().error()).contains("not valid JSON");
    }

    /** A source whose download waits until the returned latch is released. */
    private CountDownLatch slowSource() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/slow.csv", exchange -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "id\n1\n2\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Files.writeString(dataDir.resolve("sources.json"), """
                {"sources": [{"name": "slow", "kind": "csv", "tables": [{"name": "numbers", "url": "http://127.0.0.1:%d/slow.csv"}]}]}"""
                .formatted(server.getAddress().getPort()));
        return release;
    }
}
