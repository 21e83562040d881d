package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.web.Settings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PostHogSettingsTest {

    private final Map<String, String> env = new HashMap<>(Map.of(
            // AGNES_VERSION explicitly empty: the release label must not leak in from the machine's environment
            "AGNES_VERSION", "", "LOCAL_DEV_MODE", "", "RELEASE_CHANNEL", "", "AGNES_DEPLOYMENT_ENV", ""));
    private final Settings settings = new Settings(key -> Optional.ofNullable(env.get(key)));
    private final CapturedLogs logs = new CapturedLogs(Settings.class, PostHogSettings.class);

    @AfterEach
    void stopListening() {
        logs.close();
    }

    private PostHogSettings resolve() {
        return PostHogSettings.from(settings);
    }

    @Test
    void withoutAKeyTheIntegrationIsOffWithTheOriginalsDefaults() {
        PostHogSettings resolved = resolve();

        assertThat(resolved.enabled()).isFalse();
        assertThat(resolved.offReason()).contains("POSTHOG_API_KEY");
        assertThat(resolved.apiKey()).isEmpty();
        assertThat(resolved.host()).isEqualTo("https://eu.i.posthog.com");
        assertThat(resolved.identifyMode()).isEqualTo(IdentifyMode.EMAIL);
        assertThat(resolved.replay()).isTrue();
        assertThat(resolved.replayMaskSelector()).isEmpty();
        assertThat(resolved.llmPayloads()).isFalse();
        assertThat(resolved.llmPayloadMaxChars()).isEqualTo(30000);
        assertThat(resolved.environment()).isEqualTo("unknown");
        assertThat(resolved.release()).isEmpty();
        assertThat(resolved.queueSize()).isEqualTo(10000);
        assertThat(resolved.batchSize()).isEqualTo(100);
        assertThat(resolved.flushInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(resolved.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(resolved.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(logs.lines()).isEmpty();
    }

    @Test
    void aProjectKeyTurnsItOnTrimmed() {
        env.put("POSTHOG_API_KEY", "  phc_project123 \n");

        PostHogSettings resolved = resolve();

        assertThat(resolved.enabled()).isTrue();
        assertThat(resolved.offReason()).isNull();
        assertThat(resolved.apiKey()).isEqualTo("phc_project123");
        assertThat(resolved.toString()).doesNotContain("phc_project123");
        assertThat(resolved.summary()).doesNotContain("phc_project123");
    }

    @Test
    void aPersonalKeyKeepsItOffWithAnErrorThatExplainsButNeverShowsTheKey() {
        String personal = "phx_" + "SECRETpersonal0123456789abcdef";
        env.put("POSTHOG_API_KEY", personal);

        PostHogSettings resolved = resolve();

        assertThat(resolved.enabled()).isFalse();
        assertThat(resolved.apiKey()).isEmpty();
        assertThat(resolved.offReason()).contains("personal").doesNotContain("SECRET");
        assertThat(resolved.toString()).doesNotContain("SECRET");
        assertThat(logs.lines(Level.SEVERE)).singleElement().satisfies(line -> assertThat(line)
                .contains("POSTHOG_API_KEY").contains("phx_").contains("phc_")
                .contains("PERSONAL").contains("PROJECT").contains("OFF")
                .doesNotContain(personal).doesNotContain("SECRET").doesNotContain("0123456789"));
        assertThat(String.join("\n", logs.lines())).doesNotContain("SECRET");
    }

    @Test
    void theHostLosesItsTrailingSlashAndMustBeAnHttpUrl() {
        env.put("POSTHOG_HOST", " https://us.i.posthog.com/ ");
        assertThat(resolve().host()).isEqualTo("https://us.i.posthog.com");
        env.put("POSTHOG_HOST", "http://127.0.0.1:8000/ingest//");
        assertThat(resolve().host()).isEqualTo("http://127.0.0.1:8000/ingest");
        assertThat(logs.lines()).isEmpty();

        for (String bad : List.of("eu.i.posthog.com", "ftp://posthog.example", "https://posthog.example?x=1", "http://")) {
            env.put("POSTHOG_HOST", bad);
            assertThat(resolve().host()).as(bad).isEqualTo("https://eu.i.posthog.com");
        }
        assertThat(logs.lines(Level.WARNING)).hasSize(4).allSatisfy(line -> assertThat(line)
                .contains("POSTHOG_HOST").contains("using https://eu.i.posthog.com"));
        assertThat(logs.lines().get(0)).contains("\"eu.i.posthog.com\"");
    }

    @Test
    void identifyModesAreCaseInsensitiveAndAnInvalidOneWarnsOnceNamingTheValidOnes() {
        env.put("POSTHOG_IDENTIFY_PII", " FULL ");
        assertThat(resolve().identifyMode()).isEqualTo(IdentifyMode.FULL);
        for (IdentifyMode mode : IdentifyMode.values()) {
            env.put("POSTHOG_IDENTIFY_PII", mode.configValue());
            assertThat(resolve().identifyMode()).isEqualTo(mode);
        }
        assertThat(logs.lines()).isEmpty();

        env.put("POSTHOG_IDENTIFY_PII", "Everything");
        assertThat(resolve().identifyMode()).isEqualTo(IdentifyMode.EMAIL);
        assertThat(resolve().identifyMode()).isEqualTo(IdentifyMode.EMAIL);

        assertThat(logs.lines(Level.WARNING)).singleElement().satisfies(line -> assertThat(line)
                .contains("POSTHOG_IDENTIFY_PII").contains("\"Everything\"").contains("using email")
                .contains("none, id, email, full"));
    }

    @Test
    void replayIsOnByDefaultAndASetButEmptyValueKeepsTheDefault() {
        assertThat(resolve().replay()).isTrue();
        // the original read a set-but-empty POSTHOG_REPLAY as false; here empty means "not set"
        env.put("POSTHOG_REPLAY", "");
        assertThat(resolve().replay()).isTrue();
        env.put("POSTHOG_REPLAY", "  ");
        assertThat(resolve().replay()).isTrue();
        for (String off : List.of("0", "false", "no", "OFF")) {
            env.put("POSTHOG_REPLAY", off);
            assertThat(resolve().replay()).as(off).isFalse();
        }
        for (String on : List.of("1", "true", "yes", "On")) {
            env.put("POSTHOG_REPLAY", on);
            assertThat(resolve().replay()).as(on).isTrue();
        }
        env.put("POSTHOG_REPLAY_MASK_SELECTOR", " .secret, #pii ");
        assertThat(resolve().replayMaskSelector()).isEqualTo(".secret, #pii");
        assertThat(logs.lines()).isEmpty();
    }

    @Test
    void llmPayloadsAreOptInAndTheCapFallsBackTo30000WithAWarning() {
        env.put("POSTHOG_LLM_PAYLOADS", "1");
        env.put("POSTHOG_LLM_PAYLOAD_MAX_CHARS", "100");
        assertThat(resolve().llmPayloads()).isTrue();
        assertThat(resolve().llmPayloadMaxChars()).isEqualTo(100);

        env.put("POSTHOG_LLM_PAYLOAD_MAX_CHARS", "lots");
        assertThat(resolve().llmPayloadMaxChars()).isEqualTo(30000);
        env.put("POSTHOG_LLM_PAYLOAD_MAX_CHARS", "0");
        assertThat(resolve().llmPayloadMaxChars()).isEqualTo(30000);
        env.put("POSTHOG_LLM_PAYLOAD_MAX_CHARS", "-5");
        assertThat(resolve().llmPayloadMaxChars()).isEqualTo(30000);

        assertThat(logs.lines(Level.WARNING)).hasSize(3).allSatisfy(line -> assertThat(line)
                .contains("POSTHOG_LLM_PAYLOAD_MAX_CHARS").contains("using 30000"));
        assertThat(logs.lines().get(0)).contains("\"lots\"");
    }

    @Test
    void anExplicitEnvironmentWins() {
        env.putAll(Map.of("POSTHOG_ENVIRONMENT", " staging-eu ", "LOCAL_DEV_MODE", "1",
                "RELEASE_CHANNEL", "beta", "AGNES_DEPLOYMENT_ENV", "prod"));
        assertThat(resolve().environment()).isEqualTo("staging-eu");
    }

    @Test
    void localDevModeShortCircuitsToLocal() {
        env.putAll(Map.of("LOCAL_DEV_MODE", "true", "RELEASE_CHANNEL", "beta", "AGNES_DEPLOYMENT_ENV", "prod"));
        assertThat(resolve().environment()).isEqualTo("local");
        assertThat(resolve().release()).contains("beta");
    }

    @Test
    void theReleaseChannelIsTheFallbackForBothEnvironmentAndRelease() {
        env.putAll(Map.of("RELEASE_CHANNEL", "beta", "AGNES_DEPLOYMENT_ENV", "prod"));
        PostHogSettings resolved = resolve();
        assertThat(resolved.environment()).isEqualTo("beta");
        assertThat(resolved.release()).contains("beta");
    }

    @Test
    void theDeploymentNameIsTheFourthChoiceForTheEnvironment() {
        env.put("AGNES_DEPLOYMENT_ENV", "production");
        PostHogSettings resolved = resolve();
        assertThat(resolved.environment()).isEqualTo("production");
        assertThat(resolved.release()).isEmpty();
    }

    @Test
    void theVersionIsTheRelease() {
        env.putAll(Map.of("AGNES_VERSION", " 2.4.1 ", "RELEASE_CHANNEL", "beta"));
        PostHogSettings resolved = resolve();
        assertThat(resolved.release()).contains("2.4.1");
        assertThat(resolved.environment()).isEqualTo("beta");
    }

    @Test
    void nothingSetMeansUnknownEnvironmentAndNoRelease() {
        PostHogSettings resolved = resolve();
        assertThat(resolved.environment()).isEqualTo("unknown");
        assertThat(resolved.release()).isEmpty();
    }

    @Test
    void deliveryKnobsTakeNumbersAndDurationsAndFallBackWithAWarning() {
        env.putAll(Map.of("POSTHOG_QUEUE_SIZE", "500", "POSTHOG_BATCH_SIZE", "25", "POSTHOG_FLUSH_INTERVAL", "500ms",
                "POSTHOG_SHUTDOWN_TIMEOUT", "2s", "POSTHOG_REQUEST_TIMEOUT", "3s"));
        PostHogSettings resolved = resolve();
        assertThat(resolved.queueSize()).isEqualTo(500);
        assertThat(resolved.batchSize()).isEqualTo(25);
        assertThat(resolved.flushInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(resolved.shutdownTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(resolved.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        env.put("POSTHOG_FLUSH_INTERVAL", "0");
        assertThat(resolve().flushInterval()).isZero();
        assertThat(logs.lines()).isEmpty();

        env.putAll(Map.of("POSTHOG_QUEUE_SIZE", "-1", "POSTHOG_BATCH_SIZE", "many", "POSTHOG_FLUSH_INTERVAL", "soon",
                "POSTHOG_SHUTDOWN_TIMEOUT", "5 seconds", "POSTHOG_REQUEST_TIMEOUT", "0"));
        resolved = resolve();
        assertThat(resolved.queueSize()).isEqualTo(10000);
        assertThat(resolved.batchSize()).isEqualTo(100);
        assertThat(resolved.flushInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(resolved.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(resolved.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(logs.lines(Level.WARNING)).hasSize(5);
        assertThat(String.join("\n", logs.lines())).contains("POSTHOG_QUEUE_SIZE=\"-1\"; using 10000")
                .contains("POSTHOG_BATCH_SIZE=\"many\"; using 100")
                .contains("POSTHOG_FLUSH_INTERVAL=\"soon\"; using 2s")
                .contains("POSTHOG_SHUTDOWN_TIMEOUT=\"5 seconds\"; using 5s")
                .contains("POSTHOG_REQUEST_TIMEOUT=\"0\"; using 10s");
    }

    @Test
    void theStartUpLineNamesHostEnvironmentReleaseIdentifyReplayAndPayloads() {
        env.putAll(Map.of("POSTHOG_API_KEY", "phc_abc", "POSTHOG_HOST", "https://us.i.posthog.com",
                "AGNES_VERSION", "2.4.1", "AGNES_DEPLOYMENT_ENV", "production", "POSTHOG_IDENTIFY_PII", "id",
                "POSTHOG_REPLAY", "off", "POSTHOG_LLM_PAYLOADS", "yes"));

        assertThat(resolve().summary())
                .contains("host=https://us.i.posthog.com").contains("environment=production").contains("release=2.4.1")
                .contains("identify=id").contains("replay=off").contains("llm payloads=on (max 30000 chars)")
                .doesNotContain("phc_abc").doesNotContain("\n");
    }

    @Test
    void featureFlagSettingsHaveShortDefaultsAndRefuseUnusableValues() {
        env.put("POSTHOG_API_KEY", "phc_abc");
        PostHogSettings defaults = resolve();
        assertThat(defaults.flagsTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(defaults.flagsCacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.flagsSecretKey().isPresent()).isFalse();
        assertThat(defaults.summary()).contains("flags=remote (timeout 300 ms, cache 30 s)");

        env.putAll(Map.of("POSTHOG_FLAGS_TIMEOUT", "0", "POSTHOG_FLAGS_CACHE_TTL", "a while",
                "POSTHOG_FLAGS_SECRET_KEY", "  phs_secret123  "));
        PostHogSettings resolved = resolve();

        assertThat(resolved.flagsTimeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(resolved.flagsCacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(resolved.flagsSecretKey().reveal()).isEqualTo("phs_secret123");
        assertThat(String.join("\n", logs.lines())).contains("POSTHOG_FLAGS_TIMEOUT=\"0\"; using 300ms")
                .contains("POSTHOG_FLAGS_CACHE_TTL=\"a while\"; using 30s").doesNotContain("phs_secret123");
        env.put("POSTHOG_FLAGS_CACHE_TTL", "0");
        assertThat(resolve().flagsCacheTtl()).as("0 = no cache").isZero();
    }
}
