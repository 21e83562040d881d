package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agnes.testing.FakePostHogFlags;
import io.agnes.testing.FakePostHogFlags.Received;
import io.agnes.testing.FakePostHogFlags.Reply;
import io.agnes.web.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Feature flags against a fake PostHog on 127.0.0.1, judged by what a caller gets, how long it waits, and what
 * the fake receives. Times are shrunk (poll every 100 ms, error time 5 s) so the class runs in seconds; the wait bound
 * is generous (2 s) except where the bound itself is tested, so that a cold JVM's first request is not a failure.
 */
class FeatureFlagsTest {

    private static final String SECRET = "phs_topSecretProjectKey123";
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final FeatureFlags.Tuning FAST = new FeatureFlags.Tuning(Duration.ofSeconds(5),
            Duration.ofMillis(100), Duration.ofMinutes(1));
    private static final String FLAGS = """
            {"ask-llm":{"key":"ask-llm","enabled":false,"variant":null,"metadata":{"id":1,"version":3,"payload":null}},
             "new-ui":{"key":"new-ui","enabled":true,"variant":null,"metadata":{"id":2,"payload":"{\\"theme\\":\\"dark\\"}"}},
             "checkout":{"key":"checkout","enabled":true,"variant":"test","metadata":{"id":3,"payload":"[1,2]"}},
             "old":{"key":"old","enabled":false,"variant":null,"metadata":{"id":4,"payload":"{\\"never\\":true}"}}}""";

    private final List<FeatureFlags> started = new ArrayList<>();
    private FakePostHogFlags fake;
    private CapturedLogs logs;
    private Level levelBefore;

    @BeforeEach
    void setUp() {
        fake = FakePostHogFlags.start();
        Logger logger = Logger.getLogger(FeatureFlags.class.getName());
        levelBefore = logger.getLevel();
        logger.setLevel(Level.ALL); // every level, so that a secret at FINE would be caught too
        logs = new CapturedLogs(FeatureFlags.class, PostHogSettings.class, PostHogClient.class, PostHog.class);
    }

    @AfterEach
    void tearDown() {
        started.forEach(FeatureFlags::stop);
        fake.close();
        logs.close();
        Logger.getLogger(FeatureFlags.class.getName()).setLevel(levelBefore);
    }

    private static PostHogSettings settings(String host, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of("POSTHOG_API_KEY", "phc_project", "POSTHOG_HOST", host,
                "POSTHOG_FLAGS_TIMEOUT", "2s", "POSTHOG_REQUEST_TIMEOUT", "2s"));
        env.putAll(overrides);
        return PostHogSettings.from(new Settings(key -> Optional.ofNullable(env.get(key))));
    }

    private FeatureFlags flags(Map<String, String> overrides) {
        FeatureFlags flags = FeatureFlags.start(settings(fake.url(), overrides), FAST, System::nanoTime);
        started.add(flags);
        return flags;
    }

    private FeatureFlags flags() {
        return flags(Map.of());
    }

    private static List<String> flagThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.startsWith("agnes-posthog-flags")).toList();
    }

    // --- remote evaluation ---

    @Test
    void remoteAnswersGiveEnabledVariantAndPayload() {
        fake.flags(FLAGS);
        FeatureFlags flags = flags();

        assertThat(flags.lookup("new-ui", "user-1")).contains(new FlagResult(true, null, "{\"theme\":\"dark\"}"));
        assertThat(flags.lookup("ask-llm", "user-1")).contains(FlagResult.OFF);
        assertThat(flags.lookup("checkout", "user-1")).contains(new FlagResult(true, "test", "[1,2]"));
        assertThat(flags.lookup("old", "user-1")).as("an off flag has no payload").contains(FlagResult.OFF);
        assertThat(flags.lookup("never-defined", "user-1")).isEmpty();

        Received request = fake.flagsRequests().getFirst();
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.query()).isEqualTo("v=2");
        assertThat(FlagDefinitionsTest.json(request.body()))
                .containsEntry("api_key", jakarta.json.Json.createValue("phc_project"))
                .containsEntry("distinct_id", jakarta.json.Json.createValue("user-1"))
                .containsEntry("geoip_disable", jakarta.json.JsonValue.TRUE);
    }

    @Test
    void theFacadeGivesTheDefaultWhenTheFlagIsUnknownAndPostHogsAnswerOtherwise() {
        fake.flags(FLAGS);
        PostHog posthog = facade(Map.of("POSTHOG_HOST", fake.url()));
        try {
            assertThat(posthog.isFeatureEnabled("ask-llm", "user-1", true)).isFalse();
            assertThat(posthog.isFeatureEnabled("new-ui", "user-1", false)).isTrue();
            assertThat(posthog.isFeatureEnabled("never-defined", "user-1", true)).isTrue();
            assertThat(posthog.isFeatureEnabled("never-defined", "user-1", false)).isFalse();
            assertThat(posthog.variant("checkout", "user-1")).contains("test");
            assertThat(posthog.variant("new-ui", "user-1")).isEmpty();
            assertThat(posthog.payload("new-ui", "user-1")).contains("{\"theme\":\"dark\"}");
            assertThat(posthog.payload("old", "user-1")).isEmpty();
            assertThat(posthog.isFeatureEnabled("new-ui", " ", false)).as("a blank id").isFalse();
            assertThat(posthog.bootstrapFlags("user-1")).as("posthog-js's bootstrap shape: a boolean or the variant")
                    .containsExactlyInAnyOrderEntriesOf(Map.of("ask-llm", false, "new-ui", true, "checkout", "test", "old", false));
        } finally {
            posthog.stop();
        }
        assertThat(flagThreads()).as("no flag thread after the facade stopped").isEmpty();
        assertThat(posthog.isFeatureEnabled("new-ui", "user-1", false)).as("after stop: the default").isFalse();
    }

    @Test
    void eachUserFlagAndValueIsReportedOnceAsAnExposureForExperiments() {
        fake.flags(FLAGS);
        PostHog posthog = facade(Map.of("POSTHOG_HOST", fake.url(), "POSTHOG_FLUSH_INTERVAL", "0"));
        try {
            for (int i = 0; i < 3; i++) {
                posthog.variant("checkout", "user-1");
                posthog.isFeatureEnabled("ask-llm", "user-1", true);
                posthog.isFeatureEnabled("ask-llm", "anonymous", true);
            }
            posthog.isFeatureEnabled("never-defined", "user-1", true);
            await().atMost(WAIT).until(() -> exposures(fake).size() >= 3);
        } finally {
            posthog.stop();
        }
        List<jakarta.json.JsonObject> sent = exposures(fake);
        assertThat(sent).extracting(e -> e.getString("distinct_id") + " " + e.getJsonObject("properties").getString("$feature_flag")
                + "=" + e.getJsonObject("properties").get("$feature_flag_response"))
                .as("once each; an unknown flag exposes nothing").containsExactlyInAnyOrder(
                        "user-1 checkout=\"test\"", "user-1 ask-llm=false", "anonymous ask-llm=false");
        jakarta.json.JsonObject checkout = sent.stream().filter(e -> e.getJsonObject("properties")
                .getString("$feature_flag").equals("checkout")).findFirst().orElseThrow();
        assertThat(checkout.getJsonObject("properties").getString("$feature/checkout")).isEqualTo("test");
        assertThat(checkout.getJsonObject("properties").containsKey("$process_person_profile")).as("a real user").isFalse();
        jakarta.json.JsonObject anonymous = sent.stream().filter(e -> e.getString("distinct_id").equals("anonymous"))
                .findFirst().orElseThrow();
        assertThat(anonymous.getJsonObject("properties").getBoolean("$process_person_profile")).isFalse();
    }

    private static List<jakarta.json.JsonObject> exposures(FakePostHogFlags fake) {
        return fake.batches().stream().map(FlagDefinitionsTest::json)
                .flatMap(batch -> batch.getJsonArray("batch").getValuesAs(jakarta.json.JsonObject.class).stream())
                .filter(e -> e.getString("event").equals("$feature_flag_called")).toList();
    }

    @Test
    void offMeansTheDefaultWithoutARequestOrAThread() {
        PostHog posthog = facade(Map.of("POSTHOG_API_KEY", "", "POSTHOG_HOST", fake.url(),
                "POSTHOG_FLAGS_SECRET_KEY", SECRET));
        try {
            assertThat(posthog.isFeatureEnabled("new-ui", "user-1", true)).isTrue();
            assertThat(posthog.isFeatureEnabled("new-ui", "user-1", false)).isFalse();
            assertThat(posthog.variant("checkout", "user-1")).isEmpty();
            assertThat(posthog.payload("new-ui", "user-1")).isEmpty();
            assertThat(posthog.bootstrapFlags("user-1")).isEmpty();
            assertThat(flagThreads()).isEmpty();
        } finally {
            posthog.stop();
        }
        assertThat(fake.requests()).isEmpty();
        assertThat(FeatureFlags.off().lookup("new-ui", "user-1")).isEmpty();
    }

    @Test
    void answersAreCachedPerDistinctIdForTheCacheTime() {
        fake.flags(FLAGS);
        FeatureFlags flags = flags();

        for (int i = 0; i < 5; i++) {
            assertThat(flags.lookup("new-ui", "user-1").orElseThrow().enabled()).isTrue();
            assertThat(flags.lookup("checkout", "user-1").orElseThrow().variant()).isEqualTo("test");
        }
        flags.lookup("new-ui", "user-2");

        assertThat(fake.flagsRequests()).extracting(r -> FlagDefinitionsTest.json(r.body()).getString("distinct_id"))
                .containsExactly("user-1", "user-2");
    }

    @Test
    void withoutACacheEveryLookupAsks() {
        fake.flags(FLAGS);
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_CACHE_TTL", "0"));

        flags.lookup("new-ui", "user-1");
        flags.lookup("new-ui", "user-1");

        assertThat(fake.flagsRequests()).hasSize(2);
    }

    @Test
    void concurrentLookupsForOneIdShareOneRequest() throws Exception {
        fake.flagsAnswer(request -> {
            sleepQuietly(150); // long enough for every lookup to arrive while the first request is out
            return Reply.json("{\"flags\":" + FLAGS + "}");
        });
        FeatureFlags flags = flags();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Optional<FlagResult>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(callers.submit((Callable<Optional<FlagResult>>) () -> flags.lookup("new-ui", "user-1")));
            }
            for (Future<Optional<FlagResult>> result : results) {
                assertThat(result.get().orElseThrow().enabled()).isTrue();
            }
        } finally {
            callers.shutdownNow();
        }
        assertThat(fake.flagsRequests()).hasSize(1);
    }

    // --- failures: the default, quickly, and PostHog left alone for a while ---

    @Test
    void anHttpErrorGivesTheDefaultAndIsNotRepeatedWithinTheErrorTime() {
        fake.thenFlags(Reply.status(500, "{\"error\":\"boom\"}")).flags(FLAGS);
        FeatureFlags flags = flags();

        assertThat(flags.lookup("new-ui", "user-1")).isEmpty();
        assertThat(flags.lookup("new-ui", "user-1")).isEmpty();
        assertThat(flags.lookup("new-ui", "user-2")).as("PostHog is left alone, whoever asks").isEmpty();

        assertThat(fake.flagsRequests()).hasSize(1);
        assertThat(logs.linesContaining("PostHog feature flags failed: HTTP 500")).singleElement();
    }

    @Test
    void aMalformedAnswerGivesTheDefault() {
        fake.thenFlags(Reply.json("<html>not json</html>"));
        FeatureFlags flags = flags();

        assertThat(flags.lookup("new-ui", "user-1")).isEmpty();
        assertThat(logs.linesContaining("not a JSON object")).singleElement();
    }

    @Test
    void anAnswerWithoutFlagsOrWithUsedUpQuotaGivesTheDefault() {
        fake.thenFlags(Reply.json("{\"featureFlags\":{\"new-ui\":true}}"));
        assertThat(flags().lookup("new-ui", "user-1")).isEmpty();

        fake.thenFlags(Reply.json("{\"flags\":{},\"quotaLimited\":[\"feature_flags\"]}"));
        assertThat(flags().lookup("new-ui", "user-1")).isEmpty();
        assertThat(logs.linesContaining("quota")).isNotEmpty();
    }

    @Test
    void aServerThatNeverAnswersCostsTheCallerAtMostTheBoundAndOnlyOneRequest() {
        fake.thenFlags(Reply.HANG);
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_TIMEOUT", "300ms", "POSTHOG_REQUEST_TIMEOUT", "1s"));

        long start = System.nanoTime();
        Optional<FlagResult> first = flags.lookup("new-ui", "user-1");
        assertThat(first).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).as("waited the 300 ms bound, plus scheduling")
                .isBetween(250L, 800L);

        start = System.nanoTime();
        assertThat(flags.lookup("new-ui", "user-1")).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).as("nobody waits for an overdue request twice")
                .isLessThan(100);

        await().atMost(WAIT).until(() -> !logs.linesContaining("no answer within 1000 ms").isEmpty());
        start = System.nanoTime();
        assertThat(flags.lookup("new-ui", "user-1")).isEmpty();
        assertThat(flags.lookup("new-ui", "user-2")).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).as("answered at once within the error time").isLessThan(100);
        assertThat(fake.flagsRequests()).hasSize(1);
    }

    @Test
    void aSlowAnswerIsDefaultForTheCallerButCachedForTheNextLookup() {
        fake.flagsAnswer(request -> {
            sleepQuietly(600);
            return Reply.json("{\"flags\":" + FLAGS + "}");
        });
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_TIMEOUT", "200ms"));

        assertThat(flags.lookup("new-ui", "user-1")).isEmpty();
        await().atMost(WAIT).until(() -> flags.lookup("new-ui", "user-1").isPresent());

        assertThat(fake.flagsRequests()).hasSize(1);
        assertThat(logs.linesContaining("failed")).isEmpty();
    }

    @Test
    void aHangingPostHogHoldsAtMostAFewRequests() {
        fake.flagsAnswer(request -> Reply.HANG);
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_TIMEOUT", "50ms", "POSTHOG_REQUEST_TIMEOUT", "10s"));

        for (int i = 0; i < FeatureFlags.MAX_IN_FLIGHT + 5; i++) {
            assertThat(flags.lookup("new-ui", "user-" + i)).isEmpty();
        }

        assertThat(fake.flagsRequests()).hasSizeLessThanOrEqualTo(FeatureFlags.MAX_IN_FLIGHT);
        long start = System.nanoTime();
        assertThat(flags.lookup("new-ui", "someone-else")).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(40);
    }

    @Test
    void afterTheErrorTimePostHogIsAskedAgainAndTheRecoveryIsLogged() {
        fake.thenFlags(Reply.status(503, "")).flags(FLAGS);
        FeatureFlags flags = FeatureFlags.start(settings(fake.url(), Map.of()),
                new FeatureFlags.Tuning(Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofMinutes(1)),
                System::nanoTime);
        started.add(flags);

        assertThat(flags.lookup("new-ui", "user-1")).isEmpty();
        await().atMost(WAIT).until(() -> flags.lookup("new-ui", "user-1").isPresent());

        assertThat(fake.flagsRequests()).hasSize(2);
        assertThat(logs.linesContaining("PostHog feature flags work again")).singleElement();
    }

    // --- local evaluation ---

    private static final String DEFINITIONS = """
            {"flags":[
              {"id":1,"key":"ask-llm","active":true,"filters":{"groups":[{"properties":[],"rollout_percentage":50}]}},
              {"id":2,"key":"banner","active":true,"filters":{"groups":[{"rollout_percentage":100}],
                "payloads":{"true":"{\\"text\\":\\"hello\\"}"}}},
              {"id":3,"key":"by-plan","active":true,"filters":{"groups":[{"properties":[
                {"key":"plan","type":"person","value":"pro","operator":"exact"}],"rollout_percentage":100}]}}],
             "group_type_mapping":{},"cohorts":{}}""";

    @Test
    void withASecretKeyFlagsAreDecidedLocallyWithoutARequestPerUser() {
        fake.definitions(DEFINITIONS).flags("{\"by-plan\":{\"enabled\":true}}");
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_SECRET_KEY", SECRET));
        await().atMost(WAIT).until(flags::hasLocalDefinitions);

        // hand-checked: sha1("ask-llm.user-a") → 0.030…, sha1("ask-llm.user-b") → 0.516…
        assertThat(flags.lookup("ask-llm", "user-a").orElseThrow().enabled()).isTrue();
        assertThat(flags.lookup("ask-llm", "user-b").orElseThrow().enabled()).isFalse();
        assertThat(flags.lookup("banner", "user-b")).contains(new FlagResult(true, null, "{\"text\":\"hello\"}"));
        assertThat(fake.flagsRequests()).as("decided locally").isEmpty();

        assertThat(flags.lookup("by-plan", "user-b").orElseThrow().enabled()).as("needs person properties").isTrue();
        assertThat(fake.flagsRequests()).as("asked of PostHog").hasSize(1);

        Received poll = fake.definitionsRequests().getFirst();
        assertThat(poll.method()).isEqualTo("GET");
        assertThat(poll.query()).isEqualTo("token=phc_project&send_cohorts");
        assertThat(poll.header("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(flagThreads()).contains(FlagDefinitionsPoller.THREAD);
    }

    @Test
    void theFlagsKnownForBootstrapComeFromLocalDefinitionsAndTheCacheWithoutAskingPostHog() {
        fake.definitions(DEFINITIONS).flags("{\"by-plan\":{\"enabled\":true},\"ask-llm\":{\"enabled\":true}}");
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_SECRET_KEY", SECRET));
        await().atMost(WAIT).until(flags::hasLocalDefinitions);

        // by-plan needs PostHog, which nobody has asked for user-b yet: not known, and not asked for now
        assertThat(flags.known("user-b")).containsOnly(Map.entry("ask-llm", FlagResult.OFF),
                Map.entry("banner", new FlagResult(true, null, "{\"text\":\"hello\"}")));
        assertThat(fake.flagsRequests()).as("a page never waits for PostHog").isEmpty();

        flags.lookup("by-plan", "user-b"); // a server-side check fills the cache
        assertThat(flags.known("user-b")).as("local decisions win over PostHog's cached answer, as in lookup")
                .containsEntry("by-plan", new FlagResult(true, null, null))
                .containsEntry("ask-llm", FlagResult.OFF)
                .containsKey("banner");
        assertThat(flags.known("user-a")).containsEntry("ask-llm", new FlagResult(true, null, null))
                .doesNotContainKey("by-plan");
        assertThat(FeatureFlags.off().known("user-b")).isEmpty();
    }

    @Test
    void withoutLocalDefinitionsOnlyARecentServerSideAnswerIsKnown() {
        fake.flags(FLAGS);
        FeatureFlags flags = flags();
        assertThat(flags.known("user-1")).isEmpty();
        assertThat(fake.flagsRequests()).isEmpty();

        flags.lookup("new-ui", "user-1");
        assertThat(flags.known("user-1")).containsOnlyKeys("ask-llm", "new-ui", "checkout", "old")
                .containsEntry("checkout", new FlagResult(true, "test", "[1,2]"));
        assertThat(flags.known("user-2")).isEmpty();

        FeatureFlags uncached = flags(Map.of("POSTHOG_FLAGS_CACHE_TTL", "0"));
        uncached.lookup("new-ui", "user-1");
        assertThat(uncached.known("user-1")).as("no cache, nothing known").isEmpty();
    }

    @Test
    void aDeactivatedFlagCountsAsUndefinedSoTheCallersDefaultApplies() {
        fake.definitions("""
                {"flags":[{"key":"ask-llm","active":false,"filters":{"groups":[{"rollout_percentage":0}]}}]}""");
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_SECRET_KEY", SECRET));
        await().atMost(WAIT).until(flags::hasLocalDefinitions);

        assertThat(flags.lookup("ask-llm", "user-a")).isEmpty();
        assertThat(fake.flagsRequests()).as("decided locally").isEmpty();
    }

    @Test
    void anUnchangedSetIsAnswered304AndTheDefinitionsStayInUse() {
        fake.definitions(DEFINITIONS);
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_SECRET_KEY", SECRET));

        await().atMost(WAIT).until(() -> fake.definitionsRequests().size() >= 3);

        List<Received> polls = fake.definitionsRequests();
        assertThat(polls.getFirst().header("If-None-Match")).isNull();
        assertThat(polls.subList(1, polls.size()))
                .allSatisfy(poll -> assertThat(poll.header("If-None-Match")).isEqualTo("\"v2\""));
        assertThat(flags.lookup("banner", "user-b").orElseThrow().enabled()).as("still decided locally").isTrue();

        // a changed set (new ETag) arrives with a later poll
        fake.definitions("""
                {"flags":[{"key":"banner","active":true,"filters":{"groups":[{"rollout_percentage":0}]}}]}""");
        await().atMost(WAIT).until(() -> !flags.lookup("banner", "user-b").orElseThrow().enabled());
        assertThat(fake.flagsRequests()).isEmpty();
    }

    @Test
    void aRefusedSecretKeyFallsBackToPostHogAndIsNeverLogged() {
        fake.definitions(DEFINITIONS).flags("{\"banner\":{\"enabled\":false}}");
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_SECRET_KEY", SECRET));
        await().atMost(WAIT).until(flags::hasLocalDefinitions);
        assertThat(flags.lookup("banner", "user-b").orElseThrow().enabled()).isTrue();

        // PostHog refuses the key from now on, and its answer even quotes it
        fake.thenDefinitions(Reply.status(401, "{\"detail\":\"Invalid personal API key '" + SECRET + "'\"}"),
                Reply.status(401, "{\"detail\":\"Invalid personal API key '" + SECRET + "'\"}"));
        await().atMost(WAIT).until(() -> !flags.hasLocalDefinitions());

        assertThat(flags.lookup("banner", "user-b").orElseThrow().enabled()).as("PostHog's remote answer").isFalse();
        assertThat(logs.linesContaining("HTTP 401")).singleElement()
                .satisfies(line -> assertThat(line).contains("[secret]").contains("POSTHOG_FLAGS_SECRET_KEY refused"));
        flags.stop();
        assertThat(String.join("\n", logs.lines())).doesNotContain(SECRET).doesNotContain("topSecret");
    }

    @Test
    void theSecretKeyIsNeverPrintedBySettingsOrTheStartUpLine() {
        PostHogSettings resolved = settings(fake.url(), Map.of("POSTHOG_FLAGS_SECRET_KEY", SECRET));

        assertThat(resolved.flagsSecretKey().isPresent()).isTrue();
        assertThat(resolved.toString()).doesNotContain(SECRET).contains("flags=local, else remote");
        assertThat(resolved.summary()).doesNotContain(SECRET);
        assertThat(String.valueOf(resolved.flagsSecretKey())).isEqualTo("[secret]");
    }

    @Test
    void aProjectKeyInTheSecretSettingIsRefusedWithoutPrintingIt() {
        PostHogSettings resolved = settings(fake.url(), Map.of("POSTHOG_FLAGS_SECRET_KEY", "phc_projectKeyByMistake"));

        assertThat(resolved.flagsSecretKey().isPresent()).isFalse();
        assertThat(logs.linesContaining("POSTHOG_FLAGS_SECRET_KEY holds a project API key")).singleElement()
                .satisfies(line -> assertThat(line).doesNotContain("phc_projectKeyByMistake"));
    }

    @Test
    void thePollerExistsOnlyWithASecretKeyAndEndsOnStop() {
        FeatureFlags remoteOnly = flags();
        assertThat(flagThreads()).doesNotContain(FlagDefinitionsPoller.THREAD);
        remoteOnly.stop();

        fake.definitions(DEFINITIONS);
        FeatureFlags local = flags(Map.of("POSTHOG_FLAGS_SECRET_KEY", SECRET));
        await().atMost(WAIT).until(local::hasLocalDefinitions);
        assertThat(flagThreads()).contains(FlagDefinitionsPoller.THREAD);

        local.stop();

        // the pools have terminated when stop() returns; a worker thread may still be leaving its last frames
        await().atMost(WAIT).until(() -> flagThreads().isEmpty());
        assertThat(local.lookup("banner", "user-b")).as("stopped: the default").isEmpty();
    }

    @Test
    void stopEndsAPollThatWaitsForPostHog() {
        fake.thenDefinitions(Reply.HANG);
        FeatureFlags flags = flags(Map.of("POSTHOG_FLAGS_SECRET_KEY", SECRET));
        await().atMost(WAIT).until(() -> !fake.definitionsRequests().isEmpty());

        long start = System.nanoTime();
        flags.stop();

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1500);
        await().atMost(WAIT).until(() -> flagThreads().isEmpty());
    }

    private PostHog facade(Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of("POSTHOG_API_KEY", "phc_project",
                "POSTHOG_FLAGS_TIMEOUT", "300ms", "POSTHOG_SHUTDOWN_TIMEOUT", "0"));
        env.putAll(overrides);
        PostHog posthog = new PostHog();
        posthog.settings = new Settings(key -> Optional.ofNullable(env.get(key)));
        posthog.config();
        return posthog;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis); // the fake's slowness, not synchronisation
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
