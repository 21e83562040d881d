package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.testing.FakePostHog;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Capture point 5: {@code da} reports its failures to PostHog when {@code POSTHOG_API_KEY} is set. {@link Da#run}
 * in-process, the real {@link PostHogFailureReporter} chosen from the environment, a fake Agnes and a fake PostHog
 * on 127.0.0.1; what the fake receives is what PostHog would.
 */
class DaPostHogReportingTest {

    @TempDir
    Path home;

    FakeAgnesServer agnes;
    FakePostHog posthog;
    DaRunner da;

    @BeforeEach
    void start() throws Exception {
        agnes = new FakeAgnesServer();
        posthog = FakePostHog.start();
        da = DaRunner.against(agnes, home);
        da.variables.put("POSTHOG_API_KEY", "phc_cliTestProjectKey");
        da.variables.put("POSTHOG_HOST", posthog.url());
        da.variables.put("RELEASE_CHANNEL", "beta");
        da.variables.put("AGNES_VERSION", "2.4.1");
    }

    @AfterEach
    void stop() {
        agnes.close();
        posthog.close();
    }

    @Test
    void anUnreachableServerIsSentAsOneExceptionWithTheTokenRedacted() {
        int closed = FakePostHog.unusedPort();
        String server = "http://127.0.0.1:" + closed;

        DaRunner.Outcome outcome = da.run("login", "--server", server, "--token", FakeAgnesServer.TOKEN);

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Error: Cannot connect to " + server + " (connection refused)\n"
                + "Is the server running at " + server + "? Check `da login` (or AGNES_SERVER).\n");
        // flushed before Da.run returned: no waiting needed
        JsonObject event = posthog.delivered().getFirst();
        assertThat(posthog.delivered()).hasSize(1);
        assertThat(event.getString("event")).isEqualTo("$exception");
        assertThat(event.getString("distinct_id")).isEqualTo("cli");
        JsonObject properties = event.getJsonObject("properties");
        assertThat(properties.getString("component")).isEqualTo("cli");
        assertThat(properties.getString("command")).isEqualTo("login");
        assertThat(properties.getString("argv")).isEqualTo("login --server " + server + " --token [redacted]");
        assertThat(properties.getString("error_kind")).isEqualTo("transport");
        assertThat(properties.getBoolean("$process_person_profile")).isFalse();
        assertThat(properties.getBoolean("$geoip_disable")).isTrue();
        assertThat(properties.getString("environment")).isEqualTo("beta");
        assertThat(properties.getString("release")).isEqualTo("2.4.1");
        assertThat(properties.getString("$lib")).isEqualTo("agnes-server");
        assertThat(properties.getString("$lib_version")).isNotBlank();
        assertThat(properties.getString("$exception_level")).isEqualTo("error");
        JsonObject thrown = properties.getJsonArray("$exception_list").getJsonObject(0);
        assertThat(thrown.getString("type")).isEqualTo("TransportException");
        assertThat(thrown.getString("module")).isEqualTo("io.agnes.cli");
        assertThat(thrown.getString("value")).isEqualTo("Cannot connect to " + server + " (connection refused)");
        assertThat(thrown.getJsonObject("mechanism").getBoolean("handled")).isFalse();
        assertThat(thrown.getJsonObject("stacktrace").getJsonArray("frames").getValuesAs(JsonObject.class))
                .anySatisfy(frame -> {
                    assertThat(frame.getString("module")).startsWith("io.agnes.cli.");
                    assertThat(frame.getBoolean("in_app")).isTrue();
                });
        assertThat(posthog.requests()).allSatisfy(request -> assertThat(request.body().toString())
                .doesNotContain(FakeAgnesServer.TOKEN).doesNotContain("agnes_pat_"));
    }

    @Test
    void anAnswerThatIsNotJsonIsSentAsUnhandled() {
        agnes.answer("GET /api/sources", 200, "[{\"name\": \"shop\", ");

        DaRunner.Outcome outcome = da.run("sources");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).startsWith("Unexpected error (MalformedJsonException): the details are in ");
        assertThat(posthog.delivered()).singleElement().satisfies(event -> {
            JsonObject properties = event.getJsonObject("properties");
            assertThat(properties.getString("error_kind")).isEqualTo("unhandled");
            assertThat(properties.getString("command")).isEqualTo("sources");
            assertThat(properties.getString("argv")).isEqualTo("sources");
            assertThat(properties.getJsonArray("$exception_list").getJsonObject(0).getString("type"))
                    .isEqualTo("Json$MalformedJsonException");
        });
    }

    @Test
    void successUsageErrorsAndUserMistakesSendNothing() {
        assertThat(da.run("sources").exitCode()).isZero();
        assertThat(da.run("--help").exitCode()).isZero();
        assertThat(da.run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(da.run().exitCode()).isEqualTo(2);
        assertThat(da.run("query", "SELECT 1", "--limit", "many").exitCode()).isEqualTo(2);
        da.variables.remove(CliEnvironment.SERVER);
        assertThat(da.run("status").exitCode()).isEqualTo(1); // not logged in: the user's to fix, not a bug

        assertThat(posthog.requests()).isEmpty();

        // the same set-up does send a failure: the silence above is the rule, not a broken wiring
        da.variables.put(CliEnvironment.SERVER, agnes.url());
        agnes.answer("GET /api/catalog", 500, "{\"detail\":\"boom\"}");
        assertThat(da.run("tables").exitCode()).isEqualTo(1);
        assertThat(posthog.delivered()).singleElement()
                .satisfies(event -> assertThat(event.getJsonObject("properties").getString("command")).isEqualTo("tables"));
    }

    @Test
    void aPostHogThatNeverAnswersDelaysTheExitByAboutTwoSecondsAndChangesNothingElse() {
        posthog.otherwise(FakePostHog.Reply.HANG);
        agnes.answer("GET /api/sources", 503, "{\"detail\":\"Database unavailable\"}");

        long started = System.nanoTime();
        DaRunner.Outcome outcome = da.run("sources");
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).startsWith("Error: Database unavailable (HTTP 503)\n");
        assertThat(outcome.out()).isEmpty();
        assertThat(took).isLessThan(Duration.ofMillis(3500));
        assertThat(posthog.requests()).as("the event was sent; PostHog just did not answer").isNotEmpty();
    }

    @Test
    void withoutAnApiKeyNothingOfPostHogIsCreatedOrSent() {
        agnes.answer("GET /api/sources", 500, "{\"detail\":\"boom\"}");
        da.variables.remove("POSTHOG_API_KEY");

        assertThat(da.run("sources").exitCode()).isEqualTo(1);
        assertThat(CliEnvironment.of(da.variables, home, null, null).reporter()).isSameAs(CliFailureReporter.NONE);

        da.variables.put("POSTHOG_API_KEY", "   ");
        assertThat(da.run("sources").exitCode()).isEqualTo(1);
        assertThat(CliEnvironment.of(da.variables, home, null, null).reporter()).isSameAs(CliFailureReporter.NONE);

        assertThat(posthog.requests()).isEmpty();
    }

    @Test
    void aPersonalApiKeyIsRefusedWithAWarningAndNothingIsSent() {
        String personalKey = "phx_" + "personalKeyThatOpensTheWholeAccount";
        da.variables.put("POSTHOG_API_KEY", personalKey);
        agnes.answer("GET /api/sources", 500, "{\"detail\":\"boom\"}");

        DaRunner.Outcome outcome = da.run("sources");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).startsWith("Error: boom (HTTP 500)\nThe server failed; its log has the details.\n"
                + "Warning: POSTHOG_API_KEY holds a PERSONAL API key").doesNotContain(personalKey);
        assertThat(posthog.requests()).isEmpty();
    }
}
