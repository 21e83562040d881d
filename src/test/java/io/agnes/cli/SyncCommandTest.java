package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyncCommandTest {

    @TempDir
    Path home;

    FakeAgnesServer server;
    DaRunner da;

    @BeforeEach
    void start() throws Exception {
        server = new FakeAgnesServer();
        da = DaRunner.against(server, home);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /**
     * The status the fake reports on its n-th poll: the previous run (once, or not at all when the run had already
     * begun), then run-42 progressing to {@code end}.
     */
    void scriptRun42(String end, String error) {
        scriptRun42(end, error, 0);
    }

    void scriptRun42(String end, String error, int alreadyPolled) {
        AtomicInteger polls = new AtomicInteger(alreadyPolled);
        server.on("GET /api/sync/status", request -> new FakeAgnesServer.Answer(200, switch (polls.incrementAndGet()) {
            case 1 -> """
                    {"state":"succeeded","run_id":"run-41","finished_at":"2025-03-01T06:00:42Z","tables_done":16,"tables_total":16}""";
            case 2, 3 -> """
                    {"state":"running","run_id":"run-42","started_at":"2025-03-02T06:00:00Z","tables_done":3,"tables_total":16,"current_table":"orders"}""";
            case 4 -> """
                    {"state":"running","run_id":"run-42","started_at":"2025-03-02T06:00:00Z","tables_done":9,"tables_total":16,"current_table":"customers"}""";
            default -> """
                    {"state":"%s","run_id":"run-42","started_at":"2025-03-02T06:00:00Z","finished_at":"2025-03-02T06:01:05Z",
                     "tables_done":%d,"tables_total":16,"error":%s}""".formatted(end, end.equals("failed") ? 9 : 16, error);
        }));
    }

    @Test
    void syncStartsARunAndReturnsAtOnce() {
        DaRunner.Outcome outcome = da.run("sync");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).isEqualTo("Sync started (run run-42).\n`da status` shows how it is doing.\n");
        assertThat(server.requestsTo("POST /api/sync/trigger")).hasSize(1);
        assertThat(server.requestsTo("GET /api/sync/status")).isEmpty();
    }

    @Test
    void waitFollowsTheRunUntilItSucceeds() {
        scriptRun42("succeeded", "null");

        DaRunner.Outcome outcome = da.run("sync", "--wait");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).isEqualTo("""
                Sync started (run run-42).
                  waiting for the run to start
                  running — 3/16 tables, now orders, started 2025-03-02T06:00:00Z
                  running — 9/16 tables, now customers, started 2025-03-02T06:00:00Z
                Sync succeeded: 16/16 tables in 65 s.
                """);
        assertThat(server.requestsTo("GET /api/sync/status")).hasSize(5);
    }

    @Test
    void aFailedRunExitsOneWithTheServersReason() {
        scriptRun42("failed", "\"source crm: 403 Forbidden\"");

        DaRunner.Outcome outcome = da.run("sync", "--wait");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Sync failed: 9/16 tables in 65 s: source crm: 403 Forbidden\n");
    }

    @Test
    void aSyncAlreadyRunningIsWaitedForWithWait() {
        server.answer("POST /api/sync/trigger", 409, "{\"detail\":\"A sync is already running\"}");
        scriptRun42("succeeded", "null", 1);

        DaRunner.Outcome outcome = da.run("sync", "--wait");

        assertThat(outcome.exitCode()).isZero();
        // without a run id from the trigger, the first run seen in progress is the one waited for
        assertThat(outcome.out()).startsWith("A sync is already running; waiting for it.\n")
                .endsWith("Sync succeeded: 16/16 tables in 65 s.\n");
    }

    @Test
    void aSyncAlreadyRunningWithoutWaitSaysHowToWait() {
        server.answer("POST /api/sync/trigger", 409, "{\"detail\":\"A sync is already running\",\"run_id\":\"run-42\"}");

        DaRunner.Outcome outcome = da.run("sync");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Error: A sync is already running (run run-42).\n`da sync --wait` waits for it to finish.\n");
    }

    @Test
    void aNonAdminIsToldWhyTheSyncWasRefused() {
        server.answer("POST /api/sync/trigger", 403, "{\"detail\":\"Admins only\"}");

        DaRunner.Outcome outcome = da.run("sync", "--wait");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Error: Admins only (HTTP 403)\nYour account may not do this; ask an Agnes admin.\n");
    }
}
