package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user sees, the exit code, and what the failure reporter is told when things go wrong. */
class DaFailuresTest {

    @TempDir
    Path home;

    FakeAgnesServer server;
    DaRunner da;
    final List<CliFailure> reported = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = new FakeAgnesServer();
        da = DaRunner.against(server, home);
        da.reporter = reported::add;
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRejectedTokenSaysToLogInAgain() {
        da.variables.remove(CliEnvironment.TOKEN);
        da.variables.put(CliEnvironment.SERVER, server.url());
        saveLogin("agnes_pat_revokedRevokedRevoked00");

        DaRunner.Outcome outcome = da.run("sources");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("""
                Error: Invalid or expired access token (HTTP 401)
                Token rejected: run `da login` again.
                """);
        assertThat(outcome.out()).isEmpty();
        assertThat(reported).singleElement().satisfies(failure -> {
            assertThat(failure.kind().wireName()).isEqualTo("transport");
            assertThat(failure.command()).isEqualTo("sources");
        });
    }

    @Test
    void aRejectedTokenFromTheEnvironmentPointsAtTheVariable() {
        da.variables.put(CliEnvironment.TOKEN, "agnes_pat_wrong");

        assertThat(da.run("tables").err()).contains("Token rejected: check AGNES_TOKEN, or unset it and run `da login` again.");
    }

    @Test
    void aServerErrorShowsItsDetailAndRequestId() {
        server.answer("POST /api/query", 500, """
                {"detail":"Internal server error","request_id":"a1b2c3d4e5f6"}""");

        DaRunner.Outcome outcome = da.run("query", "SELECT 1");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("""
                Error: Internal server error (HTTP 500)
                The server failed; its log has the details (request id a1b2c3d4e5f6).
                """);
        assertThat(reported).singleElement().extracting(CliFailure::kind).isEqualTo(CliFailure.Kind.TRANSPORT);
    }

    @Test
    void aBadRequestShowsTheServersExplanation() {
        server.answer("POST /api/query", 400, """
                {"detail":"Parser Error: syntax error at or near \\"SELEC\\""}""");

        DaRunner.Outcome outcome = da.run("query", "SELEC 1");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Error: Parser Error: syntax error at or near \"SELEC\" (HTTP 400)\n");
    }

    @Test
    void anErrorPageThatIsNotJsonStillGivesTheStatus() {
        server.answer("GET /api/sources", 502, "<html><body>Bad Gateway</body></html>");

        DaRunner.Outcome outcome = da.run("sources");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).startsWith("Error: The server refused GET /api/sources (HTTP 502)\n")
                .contains("try again shortly");
    }

    @Test
    void anUnreachableServerAsksWhetherItIsRunning() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        da.variables.put(CliEnvironment.SERVER, "http://127.0.0.1:" + closedPort);

        DaRunner.Outcome outcome = da.run("status");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Error: Cannot connect to http://127.0.0.1:" + closedPort + " (connection refused)\n"
                + "Is the server running at http://127.0.0.1:" + closedPort + "? Check `da login` (or AGNES_SERVER).\n");
        assertThat(reported).singleElement().extracting(CliFailure::kind).isEqualTo(CliFailure.Kind.TRANSPORT);
    }

    @Test
    void malformedJsonFromTheServerIsAnUnexpectedErrorWithALogFile() throws Exception {
        server.answer("GET /api/sources", 200, "[{\"name\": \"shop\", ");

        DaRunner.Outcome outcome = da.run("sources");

        Path log = da.configDir().resolve("last-error.log");
        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Unexpected error (MalformedJsonException): the details are in " + log
                + " — please include that file when you report it.\n");
        assertThat(Files.readString(log)).contains("da sources").contains("Json$MalformedJsonException: Unexpected end of JSON")
                .contains("at io.agnes.cli.");
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PrivateFiles.OWNER_FILE);
        assertThat(reported).singleElement().satisfies(failure -> {
            assertThat(failure.kind().wireName()).isEqualTo("unhandled");
            assertThat(failure.error()).isInstanceOf(Json.MalformedJsonException.class);
        });
    }

    @Test
    void theErrorLogKeepsEarlierErrors() throws Exception {
        server.answer("GET /api/catalog", 200, "not json");

        da.run("tables");
        da.run("tables");

        String log = Files.readString(da.configDir().resolve("last-error.log"));
        assertThat(log.split("=== ", -1)).hasSize(3);
    }

    @Test
    void theReporterGetsRedactedArguments() {
        server.answer("POST /api/query", 500, "{\"detail\":\"boom\"}");

        da.run("query", "SELECT * FROM t WHERE secret = '" + FakeAgnesServer.TOKEN + "'", "--format", "csv");

        assertThat(reported).singleElement().satisfies(failure -> {
            assertThat(failure.command()).isEqualTo("query");
            assertThat(failure.argv()).isEqualTo("query SELECT * FROM t WHERE secret = '[redacted]' --format csv");
        });
    }

    @Test
    void aFailingReporterChangesNothingForTheUser() {
        da.reporter = failure -> {
            throw new IllegalStateException("reporter down");
        };
        server.answer("GET /api/sources", 500, "{\"detail\":\"boom\"}");

        DaRunner.Outcome outcome = da.run("sources");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Error: boom (HTTP 500)\nThe server failed; its log has the details.\n");
    }

    @Test
    void successUsageErrorsAndUserMistakesAreNotReported() {
        assertThat(da.run("sources").exitCode()).isZero();
        assertThat(da.run("--help").exitCode()).isZero();
        assertThat(da.run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(da.run().exitCode()).isEqualTo(2);
        da.variables.remove(CliEnvironment.SERVER);

        DaRunner.Outcome notLoggedIn = da.run("status");

        assertThat(notLoggedIn.exitCode()).isEqualTo(1);
        assertThat(notLoggedIn.err()).isEqualTo("""
                Error: Not logged in: no server configured.
                Run `da login --server URL --token TOKEN`, or set AGNES_SERVER and AGNES_TOKEN.
                """);
        assertThat(reported).isEmpty();
    }

    @Test
    void aServerAddressThatIsNotHttpIsRefusedClearly() {
        da.variables.put(CliEnvironment.SERVER, "agnes.example.com");

        DaRunner.Outcome outcome = da.run("status");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).startsWith("Error: The server address \"agnes.example.com\" (from AGNES_SERVER) is not an http(s) URL.");
    }

    @Test
    void anInvalidTimeoutWarnsAndUsesTheDefault() {
        da.variables.put(CliEnvironment.TIMEOUT_SECONDS, "soon");

        DaRunner.Outcome outcome = da.run("sources");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.err()).isEqualTo("Warning: AGNES_CLI_TIMEOUT_SECONDS=\"soon\" is not a positive whole number of seconds; using 60.\n");
    }

    @Test
    void aSlowServerTimesOutWithAHint() {
        da.variables.put(CliEnvironment.TIMEOUT_SECONDS, "1");
        CountDownLatch release = new CountDownLatch(1);
        server.on("GET /api/sources", request -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new FakeAgnesServer.Answer(200, "[]");
        });

        DaRunner.Outcome outcome = da.run("sources");
        release.countDown();

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Error: " + server.url() + " did not answer GET /api/sources within 1 s\n"
                + "If the server is just slow, raise AGNES_CLI_TIMEOUT_SECONDS (seconds).\n");
    }

    private void saveLogin(String token) {
        try {
            new ConfigStore(CliEnvironment.of(da.variables, home, null, null)).save(new ConfigStore.Saved(server.url(), token));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
