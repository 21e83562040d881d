package io.agnes.observability;

import io.agnes.testing.FakePostHog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.agnes.testing.FakePostHog.Received;
import io.agnes.testing.FakePostHog.Reply;
import io.agnes.web.BuildInfo;
import io.agnes.web.Settings;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Delivery against a fake PostHog on 127.0.0.1, judged by what the fake receives. Retry waits, batching windows
 * and size limits are shrunk so the class runs in seconds.
 */
class PostHogClientTest {

    /** PostHog's limits scaled down: 4,000 bytes per event, 3,000 per $ai_ event, 20,000 per body. */
    private static final DeliveryTuning FAST = new DeliveryTuning(
            new RetryBackoff(Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(5)),
            4000, 3000, 20000, Duration.ofSeconds(60));
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<PostHogClient> clients = new ArrayList<>();
    private final List<FakePostHog> fakes = new ArrayList<>();
    private final CapturedLogs logs = new CapturedLogs(PostHogClient.class, PostHogSettings.class);
    private Set<Thread> threadsBefore;

    @BeforeEach
    void noteThreads() {
        threadsBefore = Thread.getAllStackTraces().keySet();
    }

    @AfterEach
    void cleanUp() {
        clients.forEach(PostHogClient::stop);
        fakes.forEach(FakePostHog::close);
        logs.close();
    }

    private FakePostHog fake() {
        FakePostHog fake = FakePostHog.start();
        fakes.add(fake);
        return fake;
    }

    private static PostHogSettings settings(String host, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(Map.of(
                "POSTHOG_API_KEY", "phc_test", "POSTHOG_HOST", host, "AGNES_VERSION", "",
                "POSTHOG_FLUSH_INTERVAL", "20ms", "POSTHOG_BATCH_SIZE", "50", "POSTHOG_QUEUE_SIZE", "1000",
                "POSTHOG_SHUTDOWN_TIMEOUT", "3s", "POSTHOG_REQUEST_TIMEOUT", "1s"));
        env.putAll(overrides);
        return PostHogSettings.from(new Settings(key -> Optional.ofNullable(env.get(key))));
    }

    private PostHogClient client(String host, Map<String, String> overrides) {
        return client(host, overrides, Function.identity());
    }

    private PostHogClient client(String host, Map<String, String> overrides, Function<Event, Event> shrinker) {
        PostHogClient client = PostHogClient.start(settings(host, overrides), shrinker, FAST);
        clients.add(client);
        return client;
    }

    private static Event event(int n) {
        return Event.of("test_event", "user-" + n, Map.of("n", n));
    }

    private static List<String> captureEvents(PostHogClient client, int count) {
        List<String> uuids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Event event = event(i);
            uuids.add(event.uuid().toString());
            client.capture(event);
        }
        return uuids;
    }

    /** Threads the integration may start (the sender, the HTTP client's selector and executor) and that are new. */
    private List<String> newPostHogThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !threadsBefore.contains(t))
                .map(Thread::getName)
                .filter(name -> name.startsWith("agnes-posthog") || name.matches("HttpClient-\\d+-SelectorManager"))
                .toList();
    }

    /**
     * The sender is joined by {@code stop()}; the HTTP client's selector and executor threads are told to end and
     * awaited, but a pool thread still runs its last lines for a moment after the pool reports it terminated.
     * So: ended within a second, not necessarily on the very next line.
     */
    private void assertPostHogThreadsEnd() {
        await().atMost(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(newPostHogThreads()).isEmpty());
    }

    private static void assertAccountedFor(DeliveryStats stats) {
        assertThat(stats.captured()).isEqualTo(stats.sent() + stats.droppedTotal() + stats.pending());
    }

    // --- the wire ---------------------------------------------------------------------------------

    @Test
    void eventsArriveGzippedInPostHogsBatchShape() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of());
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("path", "/api/query");
        properties.put("status", 500);
        properties.put("tags", List.of("a", "b"));
        Event event = Event.of("$exception", "user-42", properties);

        client.capture(event);

        await().atMost(WAIT).until(() -> posthog.delivered().size() == 1);
        Received request = posthog.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/batch/");
        assertThat(request.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        assertThat(request.header("User-Agent")).startsWith("agnes-java/");
        assertThat(request.body().keySet()).containsExactlyInAnyOrder("api_key", "batch", "sent_at");
        assertThat(request.body().getString("api_key")).isEqualTo("phc_test");
        Instant sentAt = Instant.parse(request.body().getString("sent_at"));

        JsonObject item = request.events().get(0);
        assertThat(item.keySet()).containsExactlyInAnyOrder("event", "distinct_id", "properties", "timestamp", "uuid");
        assertThat(item.getString("event")).isEqualTo("$exception");
        assertThat(item.getString("distinct_id")).isEqualTo("user-42");
        assertThat(item.getString("uuid")).isEqualTo(event.uuid().toString());
        assertThat(UUID.fromString(item.getString("uuid")).version()).isEqualTo(7);
        assertThat(Instant.parse(item.getString("timestamp"))).isEqualTo(event.timestamp()).isBeforeOrEqualTo(sentAt);
        JsonObject sentProperties = item.getJsonObject("properties");
        assertThat(sentProperties.getString("path")).isEqualTo("/api/query");
        assertThat(sentProperties.getInt("status")).isEqualTo(500);
        assertThat(sentProperties.getJsonArray("tags").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(sentProperties.getString("$lib")).isEqualTo(CommonProperties.LIB);
        assertThat(sentProperties.getString("$lib_version")).isEqualTo(BuildInfo.version());

        DeliveryStats stats = client.counters();
        assertThat(stats.enabled()).isTrue();
        assertThat(stats.captured()).isEqualTo(1);
        assertThat(stats.sent()).isEqualTo(1);
        assertThat(stats.droppedTotal()).isZero();
    }

    @Test
    void eventsAreBatchedUpToTheBatchSize() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_BATCH_SIZE", "10", "POSTHOG_FLUSH_INTERVAL", "10s"));

        List<String> uuids = captureEvents(client, 25);

        // full batches go at once, without waiting for the 10 s window (and so does the tail of a backlog)
        await().atMost(WAIT).until(() -> posthog.delivered().size() >= 20);
        assertThat(client.flush(WAIT)).isTrue();
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids);
        assertThat(posthog.requests()).hasSize(3).allSatisfy(r -> assertThat(r.events()).hasSizeLessThanOrEqualTo(10));
    }

    @Test
    void flushWaitsUntilWhatIsQueuedIsDelivered() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s"));
        List<String> uuids = captureEvents(client, 3);
        assertThat(posthog.requests()).isEmpty();

        assertThat(client.flush(WAIT)).isTrue();

        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids);
        assertThat(client.counters().pending()).isZero();
    }

    // --- retries ------------------------------------------------------------------------------------

    @Test
    void everyEventArrivesExactlyOnceAfterConnectionsWereRefused() {
        int port = FakePostHog.unusedPort();
        PostHogClient client = client(FakePostHog.url(port), Map.of());
        List<String> uuids = captureEvents(client, 5);

        await().atMost(WAIT).until(() -> client.counters().retriedBatches() >= 3);
        assertThat(client.counters().lastError()).hasValueSatisfying(error -> assertThat(error).contains("ConnectException"));
        assertThat(client.counters().sent()).isZero();
        assertThat(logs.linesContaining("delivery failed")).hasSize(1);
        assertThat(client.flush(Duration.ofMillis(100))).as("flush gives up after its timeout").isFalse();

        FakePostHog posthog = FakePostHog.startOn(port);
        fakes.add(posthog);

        await().atMost(WAIT).until(() -> posthog.delivered().size() == 5);
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids).doesNotHaveDuplicates();
        assertThat(client.counters().sent()).isEqualTo(5);
        assertThat(client.counters().droppedTotal()).isZero();
        assertThat(logs.linesContaining("works again")).hasSize(1);
    }

    @Test
    void everyEventArrivesExactlyOnceAfterServerErrors() {
        FakePostHog posthog = fake().then(Reply.status(503), Reply.status(500), Reply.status(502));
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s"));
        List<String> uuids = captureEvents(client, 5);
        client.flush();

        await().atMost(WAIT).until(() -> posthog.delivered().size() == 5);
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids).doesNotHaveDuplicates();
        assertThat(posthog.requests()).hasSize(4).allSatisfy(r -> assertThat(r.uuids()).containsExactlyElementsOf(uuids));
        assertThat(client.counters().retriedBatches()).isEqualTo(3);
        assertThat(client.counters().lastError()).hasValueSatisfying(error -> assertThat(error).startsWith("HTTP 502"));
    }

    @Test
    void aRateLimitIsRetriedNoSoonerThanRetryAfterSays() {
        FakePostHog posthog = fake().then(Reply.status(429, "Retry-After", "1"));
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s"));
        List<String> uuids = captureEvents(client, 3);
        client.flush();

        await().atMost(WAIT).until(() -> posthog.delivered().size() == 3);
        List<Received> requests = posthog.requests();
        assertThat(requests).hasSize(2);
        // the backoff alone would have retried within 100 ms
        assertThat(Duration.ofNanos(requests.get(1).arrivedNanos() - requests.get(0).arrivedNanos()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids);
    }

    @Test
    void aRequestTimeoutIsRetried() {
        FakePostHog posthog = fake().then(Reply.HANG, Reply.status(408));
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s", "POSTHOG_REQUEST_TIMEOUT", "300ms"));
        List<String> uuids = captureEvents(client, 4);
        client.flush();

        await().atMost(WAIT).until(() -> posthog.delivered().size() == 4);
        // the hung request reached the fake but was never acknowledged: delivered once, by the third request
        assertThat(posthog.requests()).hasSize(3).allSatisfy(r -> assertThat(r.uuids()).containsExactlyElementsOf(uuids));
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids).doesNotHaveDuplicates();
        assertThat(client.counters().retriedBatches()).isEqualTo(2);
    }

    @Test
    void whilePostHogFailsTheWaitingEventsAreHeldCompressedAndArriveUnchangedInOrder() {
        int port = FakePostHog.unusedPort();
        PostHogClient client = client(FakePostHog.url(port), Map.of());
        Event first = event(0);
        client.capture(first);
        await().atMost(WAIT).until(() -> client.counters().retriedBatches() >= 1);

        // a stack trace is long and repetitive: what the backlog of an outage is made of
        String trace = "at io.agnes.query.QueryService.run(QueryService.java:42)\n".repeat(50);
        List<Event> waiting = IntStream.range(1, 31)
                .mapToObj(n -> Event.of("$exception", "user-" + n, Map.of("n", n, "trace", trace))).toList();
        waiting.forEach(client::capture);
        client.capture(Event.of("hopeless_event", "u", Map.of("filler", "w".repeat(10_000)))); // over 4,000

        await().atMost(WAIT).until(() -> client.counters().pendingCompressed() == 30);
        DeliveryStats outage = client.counters();
        assertThat(outage.pending()).as("the 30 waiting and the one being retried").isEqualTo(31);
        assertThat(outage.dropped(DropReason.TOO_LARGE)).as("checked against the limit when packed").isEqualTo(1);
        assertAccountedFor(outage);
        int itemBytes = EventJson.item(waiting.get(0), BuildInfo.version()).length;
        assertThat(outage.pendingCompressedBytes()).isPositive().isLessThan(30L * itemBytes / 10);

        FakePostHog posthog = FakePostHog.startOn(port);
        fakes.add(posthog);
        await().atMost(WAIT).until(() -> posthog.delivered().size() == 31);
        List<Event> all = new ArrayList<>(List.of(first));
        all.addAll(waiting);
        assertThat(posthog.delivered()).as("the same JSON as events sent at once, oldest first")
                .containsExactlyElementsOf(all.stream().map(PostHogClientTest::asDelivered).toList());
        DeliveryStats after = client.counters();
        assertThat(after.pending()).isZero();
        assertThat(after.pendingCompressed()).isZero();
        assertThat(after.pendingCompressedBytes()).isZero();
        assertThat(after.sent()).isEqualTo(31);
        assertAccountedFor(after);
    }

    private static JsonObject asDelivered(Event event) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(EventJson.item(event, BuildInfo.version())))) {
            return reader.readObject();
        }
    }

    // --- refusals and limits ------------------------------------------------------------------------

    @Test
    void aMalformedBatchIsDroppedCountedAndLoggedNotRetried() {
        FakePostHog posthog = fake().then(Reply.status(400));
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s"));
        captureEvents(client, 3);
        assertThat(client.flush(WAIT)).isTrue();

        assertThat(client.counters().dropped(DropReason.REJECTED)).isEqualTo(3);
        await().atMost(WAIT).until(() -> !logs.linesContaining("rejected=3").isEmpty());
        assertThat(logs.linesContaining("rejected=3")).singleElement()
                .satisfies(line -> assertThat(line).contains("HTTP 400").contains("scripted 400"));

        List<String> later = captureEvents(client, 2);
        assertThat(client.flush(WAIT)).isTrue();
        assertThat(posthog.requests()).hasSize(2);
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(later);
        assertAccountedFor(client.counters());
    }

    @Test
    void aBatchPostHogFindsTooLargeIsSplitInHalves() {
        FakePostHog posthog = fake().then(Reply.status(413));
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s"));
        List<String> uuids = captureEvents(client, 4);
        assertThat(client.flush(WAIT)).isTrue();

        assertThat(posthog.requests()).extracting(r -> r.events().size()).containsExactly(4, 2, 2);
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids).doesNotHaveDuplicates();
        assertThat(client.counters().droppedTotal()).isZero();
    }

    @Test
    void aSingleEventPostHogStillFindsTooLargeIsDroppedCountedAndLogged() {
        FakePostHog posthog = fake().then(Reply.status(413), Reply.status(413));
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s"));
        List<String> uuids = captureEvents(client, 2);
        assertThat(client.flush(WAIT)).isTrue();

        assertThat(posthog.requests()).extracting(r -> r.events().size()).containsExactly(2, 1, 1);
        assertThat(posthog.deliveredUuids()).containsExactly(uuids.get(1));
        assertThat(client.counters().dropped(DropReason.TOO_LARGE)).isEqualTo(1);
        await().atMost(WAIT).until(() -> !logs.linesContaining("too_large=1").isEmpty());
        assertThat(logs.linesContaining("too_large=1").get(0)).contains("413");
    }

    @Test
    void anEventOverPostHogsLimitGoesThroughTheShrinkerAndIsDroppedOnlyIfStillTooLarge() {
        FakePostHog posthog = fake();
        List<String> shrunk = new CopyOnWriteArrayList<>();
        Function<Event, Event> shrinker = event -> {
            shrunk.add(event.name());
            if (!event.properties().containsKey("payload")) {
                return event;
            }
            Map<String, Object> smaller = new LinkedHashMap<>(event.properties());
            smaller.put("payload", "[cut]");
            return event.withProperties(smaller);
        };
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s"), shrinker);

        client.capture(Event.of("big_event", "u", Map.of("payload", "x".repeat(10_000))));
        client.capture(Event.of("$ai_generation", "u", Map.of("payload", "y".repeat(3_500)))); // over 3,000 ($ai_)
        client.capture(Event.of("plain_event", "u", Map.of("filler", "z".repeat(3_500)))); // under 4,000
        client.capture(Event.of("hopeless_event", "u", Map.of("filler", "w".repeat(10_000))));
        assertThat(client.flush(WAIT)).isTrue();

        assertThat(shrunk).containsExactly("big_event", "$ai_generation", "hopeless_event");
        Map<String, JsonObject> byName = new HashMap<>();
        posthog.delivered().forEach(e -> byName.put(e.getString("event"), e.getJsonObject("properties")));
        assertThat(byName).containsOnlyKeys("big_event", "$ai_generation", "plain_event");
        assertThat(byName.get("big_event").getString("payload")).isEqualTo("[cut]");
        assertThat(byName.get("$ai_generation").getString("payload")).isEqualTo("[cut]");
        assertThat(byName.get("plain_event").getString("filler")).hasSize(3_500);
        assertThat(client.counters().dropped(DropReason.TOO_LARGE)).isEqualTo(1);
        await().atMost(WAIT).until(() -> !logs.linesContaining("too_large=1").isEmpty());
        assertThat(logs.linesContaining("too_large=1").get(0)).contains("hopeless_event").contains("limit of 4000");
    }

    @Test
    void aBatchIsSentInAsManyRequestsAsNeededToKeepEveryBodyUnderTheLimit() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s"));
        List<String> uuids = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Event event = Event.of("sizeable", "u", Map.of("filler", "f".repeat(3_000)));
            uuids.add(event.uuid().toString());
            client.capture(event);
        }
        assertThat(client.flush(WAIT)).isTrue();

        assertThat(posthog.requests()).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(r -> assertThat(r.bodyBytes()).isLessThanOrEqualTo(20_000));
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids);
    }

    @Test
    void aPropertyThatCannotBeWrittenDropsOnlyItsEvent() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s"));
        Object broken = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no text for you");
            }
        };
        client.capture(Event.of("broken", "u", Map.of("value", broken)));
        List<String> fine = captureEvents(client, 2);
        assertThat(client.flush(WAIT)).isTrue();

        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(fine);
        assertThat(client.counters().dropped(DropReason.ERROR)).isEqualTo(1);
    }

    // --- a full queue -------------------------------------------------------------------------------

    @Test
    void aFullQueueDropsTheNewestCountsExactlyTheShortfallAndLogsOncePerInterval() {
        FakePostHog posthog = fake();
        posthog.otherwise(Reply.HANG);
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_QUEUE_SIZE", "10", "POSTHOG_BATCH_SIZE", "5",
                "POSTHOG_FLUSH_INTERVAL", "0", "POSTHOG_REQUEST_TIMEOUT", "200ms"));
        List<String> first = captureEvents(client, 1);
        await().atMost(WAIT).until(() -> posthog.hangingNow() == 1); // the sender is stuck with event 0

        List<String> burst = captureEvents(client, 100);

        // the queue holds 10; the 90 newest are dropped, exactly
        assertThat(client.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(90);
        await().atMost(WAIT).until(() -> !logs.linesContaining("queue_full").isEmpty());
        assertThat(logs.linesContaining("queue_full")).singleElement()
                .satisfies(line -> assertThat(line).contains("queue_full=90"));

        captureEvents(client, 50);
        long retried = client.counters().retriedBatches();
        await().atMost(WAIT).until(() -> client.counters().retriedBatches() >= retried + 2); // the sender went round again
        assertThat(client.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(140);
        assertThat(logs.linesContaining("queue_full")).as("at most one line per 60 s").hasSize(1);

        posthog.otherwise(Reply.OK);
        await().atMost(WAIT).until(() -> posthog.delivered().size() == 11);
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(
                java.util.stream.Stream.concat(first.stream(), burst.subList(0, 10).stream()).toList());
        DeliveryStats stats = client.counters();
        assertThat(stats.captured()).isEqualTo(151);
        assertThat(stats.captured() - stats.sent()).isEqualTo(stats.dropped(DropReason.QUEUE_FULL));
        assertAccountedFor(stats);
    }

    @Test
    void captureReturnsAtOnceWhileTheQueueIsFullAndPostHogHangs() {
        FakePostHog posthog = fake();
        posthog.otherwise(Reply.HANG);
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_QUEUE_SIZE", "10", "POSTHOG_FLUSH_INTERVAL", "0",
                "POSTHOG_REQUEST_TIMEOUT", "30s", "POSTHOG_SHUTDOWN_TIMEOUT", "100ms"));
        client.capture(event(0));
        await().atMost(WAIT).until(() -> posthog.hangingNow() == 1);

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            for (int i = 0; i < 100_000; i++) {
                client.capture(event(i));
            }
        });

        assertThat(posthog.hangingNow()).as("PostHog still has not answered").isEqualTo(1);
        assertThat(client.counters().dropped(DropReason.QUEUE_FULL)).isEqualTo(100_000 - 10);
    }

    // --- stop -----------------------------------------------------------------------------------------

    @Test
    void stopDeliversWhatIsQueuedWithinTheDeadlineAndEndsEveryThread() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s", "POSTHOG_SHUTDOWN_TIMEOUT", "3s"));
        List<String> uuids = captureEvents(client, 7);
        assertThat(posthog.requests()).as("still waiting for the batch to fill").isEmpty();
        assertThat(newPostHogThreads()).contains("agnes-posthog-sender");

        long start = System.nanoTime();
        client.stop();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids);
        assertThat(client.counters().sent()).isEqualTo(7);
        assertThat(client.isEnabled()).isFalse();
        assertPostHogThreadsEnd();
    }

    @Test
    void stopOnAnInterruptedThreadStillDeliversWhatIsQueuedAndKeepsTheInterrupt() {
        // an application server may undeploy on a thread whose interrupt flag some earlier step left set
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s", "POSTHOG_SHUTDOWN_TIMEOUT", "3s"));
        List<String> uuids = captureEvents(client, 7);

        Thread.currentThread().interrupt();
        try {
            client.stop();
            assertThat(Thread.currentThread().isInterrupted()).as("the caller's interrupt is kept for it").isTrue();
        } finally {
            Thread.interrupted();
        }

        assertThat(posthog.deliveredUuids()).containsExactlyInAnyOrderElementsOf(uuids);
        assertThat(client.counters().droppedTotal()).isZero();
        assertPostHogThreadsEnd();
    }

    @Test
    void stopWithPostHogBlackHoledReturnsWithinTheDeadlineCountsTheLossAndEndsEveryThread() {
        FakePostHog posthog = fake();
        posthog.otherwise(Reply.HANG);
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "0",
                "POSTHOG_SHUTDOWN_TIMEOUT", "500ms", "POSTHOG_REQUEST_TIMEOUT", "10s"));
        captureEvents(client, 20);
        await().atMost(WAIT).until(() -> posthog.hangingNow() == 1);

        long start = System.nanoTime();
        client.stop();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).isLessThan(Duration.ofMillis(500 + 1000));
        assertPostHogThreadsEnd();
        assertThat(posthog.delivered()).isEmpty();
        DeliveryStats stats = client.counters();
        assertThat(stats.dropped(DropReason.SHUTDOWN)).isEqualTo(20);
        assertThat(stats.pending()).isZero();
        assertAccountedFor(stats);
        assertThat(logs.linesContaining("shutdown=20")).isNotEmpty();
    }

    @Test
    void aStopTimeoutOfZeroDropsWhatIsQueuedAtOnce() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_FLUSH_INTERVAL", "10s", "POSTHOG_SHUTDOWN_TIMEOUT", "0"));
        captureEvents(client, 4);

        client.stop();

        assertThat(client.counters().dropped(DropReason.SHUTDOWN)).isEqualTo(4);
        assertPostHogThreadsEnd();
    }

    @Test
    void captureAfterStopIsCountedNotSentAndStopTwiceIsHarmless() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of());
        client.stop();

        client.capture(event(1));
        client.capture("late_event", "u", Map.of());
        client.stop();

        assertThat(client.counters().dropped(DropReason.SHUTDOWN)).isEqualTo(2);
        assertThat(posthog.requests()).isEmpty();
        assertThat(client.flush(Duration.ofMillis(100))).isTrue();
    }

    @Test
    void tenStartsAndStopsLeaveNoThreadBehind() {
        FakePostHog posthog = fake();
        for (int i = 0; i < 10; i++) {
            PostHogClient client = PostHogClient.start(settings(posthog.url(), Map.of()), Function.identity(), FAST);
            captureEvents(client, 3);
            client.stop();
        }

        assertPostHogThreadsEnd();
        assertThat(posthog.delivered()).hasSize(30);
    }

    // --- off ------------------------------------------------------------------------------------------

    @Test
    void offMeansNoThreadNoHttpClientAndNothingSent() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_API_KEY", ""));

        assertPostHogThreadsEnd();
        assertThat(client.isEnabled()).isFalse();
        IntStream.range(0, 10).forEach(i -> client.capture(event(i)));
        client.capture("x", "u", Map.of());
        client.capture(null);
        client.flush();
        assertThat(client.flush(Duration.ofSeconds(1))).isTrue();
        client.stop();

        assertPostHogThreadsEnd();
        assertThat(posthog.requests()).isEmpty();
        DeliveryStats stats = client.counters();
        assertThat(stats.enabled()).isFalse();
        assertThat(stats.captured()).isZero();
        assertThat(logs.lines()).noneMatch(line -> line.startsWith("PostHog on"));
    }

    @Test
    void aPersonalKeyKeepsDeliveryOff() {
        FakePostHog posthog = fake();
        PostHogClient client = client(posthog.url(), Map.of("POSTHOG_API_KEY", "phx_" + "personalSECRET"));
        client.capture(event(1));
        client.stop();

        assertThat(client.isEnabled()).isFalse();
        assertPostHogThreadsEnd();
        assertThat(posthog.requests()).isEmpty();
        assertThat(String.join("\n", logs.lines())).contains("phx_").doesNotContain("SECRET");
    }

    @Test
    void onLogsTheStartUpLine() {
        FakePostHog posthog = fake();
        client(posthog.url(), Map.of("AGNES_DEPLOYMENT_ENV", "production"));

        assertThat(logs.linesContaining("PostHog on: host=" + posthog.url())).singleElement()
                .satisfies(line -> assertThat(line).contains("environment=production").contains("identify=email"));
    }

    @Test
    void uuidsOfCapturedEventsAreUnique() {
        Set<UUID> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(Event.newUuid())).isTrue();
        }
    }
}
