package io.agnes.it;

import static io.agnes.testing.JsonBodies.object;
import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.testing.AgnesDeployment;
import io.agnes.testing.FakeLlmServer;
import io.agnes.testing.FakePostHog;
import io.agnes.testing.OpenAiWire;
import io.agnes.testing.WebClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The PostHog integration ON, against a fake PostHog on 127.0.0.1: what arrives for a 500 in JAX-RS and on a
 * page, an orchestrator failure, a failed timer job, and LLM calls that succeed and fail.
 */
@ExtendWith(ArquillianExtension.class)
class ObservabilityIT {

    static final String ADMIN = "ada@example.com";
    static final String PASSWORD = "observability-pass";
    static FakePostHog posthog;
    /** Events received by a fake that was closed to simulate an outage (they still count). */
    static final List<JsonObject> deliveredBeforeOutage = new java.util.concurrent.CopyOnWriteArrayList<>();
    static FakeLlmServer llm;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        posthog = FakePostHog.start();
        llm = new FakeLlmServer().replyAlways(request -> request.body().contains("break the model")
                ? FakeLlmServer.Reply.json(500, "{\"error\":{\"message\":\"upstream exploded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}")
                : OpenAiWire.completion(Json.createObjectBuilder().add("sql", "SELECT count(*) AS n FROM items")
                        .add("explanation", "Counts items.").build().toString(), "stop"));
        // one good source and one whose file is missing: every sync fails partly, in the orchestrator
        Path sources = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "obs-sources-");
        Files.writeString(sources.resolve("items.csv"), "id,name\n1,one\n2,two\n");
        Files.writeString(sources.resolve("sources.json"), """
                {"sources": [
                  {"name": "good", "kind": "csv", "tables": [{"name": "items", "file": "items.csv"}]},
                  {"name": "broken", "kind": "csv", "tables": [{"name": "ghosts", "file": "missing.csv"}]}
                ]}""");
        return AgnesDeployment.agnes()
                .setting("POSTHOG_API_KEY", "phc_integration_test_key")
                .setting("POSTHOG_HOST", posthog.url())
                .setting("POSTHOG_IDENTIFY_PII", "full")
                .setting("POSTHOG_ENVIRONMENT", "it")
                .setting("AGNES_VERSION", "9.9.9")
                .setting("POSTHOG_LLM_PAYLOADS", "1")
                .setting("POSTHOG_FLUSH_INTERVAL", "200ms")
                .setting("POSTHOG_REQUEST_TIMEOUT", "2s")
                // every flag check asks the fake, so a test can change a flag and see it at once
                .setting("POSTHOG_FLAGS_CACHE_TTL", "0")
                // the browser's traffic goes through Agnes' own origin (the server side still talks to the fake)
                .setting("POSTHOG_PROXY_PATH", "/ingest")
                .setting("DEBUG", "1")
                .setting("POSTHOG_SNIPPET_EXCLUDE_PATHS", "/help")
                .setting("AGNES_ADMIN_EMAIL", ADMIN)
                .setting("AGNES_ADMIN_PASSWORD", PASSWORD)
                .setting("AGNES_SOURCES_FILE", sources.resolve("sources.json").toString())
                .setting("LLM_PROVIDER", "openai_compat")
                .setting("LLM_BASE_URL", llm.url() + "/v1")
                .setting("LLM_MAX_RETRIES", "0")
                .setting("AGNES_SCHEDULER_SECRET", "observability-scheduler-secret-0123456789")
                .setting("AGNES_SCHEDULER_BASE_URL", "http://127.0.0.1:9")
                .setting("AGNES_JOB_HEALTH_CHECK_INTERVAL", "2s")
                .setting("AGNES_JOB_DATA_REFRESH_INTERVAL", "off")
                .setting("AGNES_JOB_CATALOG_ENRICHMENT_INTERVAL", "off")
                .build();
    }

    @AfterAll
    static void stopFakes() {
        posthog.close();
        llm.close();
    }

    @Test
    void anApiErrorArrivesWithTheRequestTheUserAndTheBrowserSession() {
        WebClient browser = signedIn();
        String userId = object(browser.get("/api/me").body()).getString("id");
        HttpResponse<String> failure = browser.get("/api/debug/throw?kind=ValueError&msg=boom&token=secret-in-query",
                "X-Request-ID", "obs-api-1", "X-POSTHOG-SESSION-ID", "session-123", "X-POSTHOG-WINDOW-ID", "window-9",
                "Authorization", "Bearer agnes_pat_should_never_be_sent");
        assertThat(failure.statusCode()).as("a wrong bearer token is refused before anything else").isEqualTo(401);

        failure = browser.get("/api/debug/throw?kind=ValueError&msg=boom&token=secret-in-query",
                "X-Request-ID", "obs-api-1", "X-POSTHOG-SESSION-ID", "session-123", "X-POSTHOG-WINDOW-ID", "window-9");
        assertThat(failure.statusCode()).isEqualTo(500);
        assertThat(object(failure.body()).getString("error")).isEqualTo("boom");

        JsonObject event = awaitEvent("$exception", e -> "obs-api-1".equals(prop(e, "request_id")));
        JsonObject properties = event.getJsonObject("properties");
        assertThat(event.getString("distinct_id")).isEqualTo(userId);
        assertThat(properties.getString("path")).isEqualTo("/api/debug/throw");
        assertThat(properties.getString("method")).isEqualTo("GET");
        assertThat(properties.getString("$current_url")).endsWith("/api/debug/throw").doesNotContain("secret");
        assertThat(properties.getString("$session_id")).isEqualTo("session-123");
        assertThat(properties.getString("$window_id")).isEqualTo("window-9");
        assertThat(properties.getString("user_email")).isEqualTo(ADMIN);
        assertThat(properties.getString("user_name")).isNotBlank();
        assertThat(properties.getString("environment")).isEqualTo("it");
        assertThat(properties.getString("release")).isEqualTo("9.9.9");
        assertThat(properties.getBoolean("$geoip_disable")).isTrue();
        assertThat(properties.getString("layer")).isEqualTo("jaxrs");
        JsonObject thrown = properties.getJsonArray("$exception_list").getJsonObject(0);
        assertThat(thrown.getString("type")).isEqualTo("IllegalArgumentException");
        assertThat(thrown.getString("value")).isEqualTo("boom");
        assertThat(thrown.getJsonObject("mechanism").getBoolean("handled")).isFalse();
        List<JsonObject> frames = thrown.getJsonObject("stacktrace").getJsonArray("frames").getValuesAs(JsonObject.class);
        assertThat(frames.get(frames.size() - 1).getString("module")).as("crash site last").isEqualTo("io.agnes.web.DebugErrors");
        assertThat(event.toString()).doesNotContain("secret-in-query").doesNotContain("agnes_pat_").doesNotContain("JSESSIONID");
        assertThat(delivered().stream().filter(e -> "obs-api-1".equals(prop(e, "request_id")))).as("sent once").hasSize(1);
    }

    @Test
    void aPageErrorOutsideJaxRsArrivesToo() {
        WebClient browser = signedIn();
        assertThat(browser.get("/debug/throw?kind=KeyError&msg=page%20broke", "X-Request-ID", "obs-page-1").statusCode()).isEqualTo(500);
        JsonObject event = awaitEvent("$exception", e -> "obs-page-1".equals(prop(e, "request_id")));
        assertThat(event.getJsonObject("properties").getString("layer")).isEqualTo("servlet");
        assertThat(event.getJsonObject("properties").getJsonArray("$exception_list").getJsonObject(0).getString("type"))
                .isEqualTo("NoSuchElementException");
    }

    @Test
    void anOrchestratorFailureArrivesAsTheSystem() {
        JsonObject event = awaitEvent("$exception", e -> "orchestrator".equals(prop(e, "component")));
        JsonObject properties = event.getJsonObject("properties");
        assertThat(event.getString("distinct_id")).isEqualTo("system");
        assertThat(properties.getString("op")).isIn("rebuild", "rebuild_source");
        assertThat(properties.getBoolean("$process_person_profile")).isFalse();
        assertThat(properties.getJsonArray("$exception_list").getJsonObject(0).getString("value")).contains("broken");
    }

    @Test
    void aFailedTimerJobArrivesWithTheJobAndTheAttempt() {
        JsonObject event = awaitEvent("$exception", e -> "scheduler".equals(prop(e, "component")));
        JsonObject properties = event.getJsonObject("properties");
        assertThat(event.getString("distinct_id")).isEqualTo("system");
        assertThat(properties.getString("job")).isEqualTo("health_check");
        assertThat(properties.getString("method")).isEqualTo("GET");
        assertThat(properties.getInt("attempt")).isPositive();
    }

    @Test
    void everyLlmCallIsAnAiGenerationLinkedToTheUsersSession() {
        WebClient browser = signedIn();
        String userId = object(browser.get("/api/me").body()).getString("id");
        HttpResponse<String> asked = browser.postJson("/api/ask", "{\"question\":\"How many items?\"}",
                "X-POSTHOG-SESSION-ID", "session-llm");
        assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
        String traceId = object(asked.body()).getString("trace_id");

        JsonObject event = awaitEvent("$ai_generation", e -> traceId.equals(prop(e, "$ai_trace_id")));
        JsonObject properties = event.getJsonObject("properties");
        assertThat(event.getString("distinct_id")).isEqualTo(userId);
        assertThat(properties.getString("$session_id")).isEqualTo("session-llm");
        assertThat(properties.getString("$ai_provider")).isEqualTo("openai_compat");
        assertThat(properties.getString("$ai_model")).isEqualTo(OpenAiWire.SNAPSHOT);
        assertThat(properties.getInt("$ai_input_tokens")).isEqualTo(321);
        assertThat(properties.getInt("$ai_output_tokens")).isEqualTo(45);
        assertThat(properties.getJsonNumber("$ai_latency").doubleValue()).isPositive();
        assertThat(properties.getBoolean("$ai_cache_reporting_exclusive")).isFalse();
        assertThat(properties.get("$ai_input").toString()).contains("How many items?");
        assertThat(properties.get("$ai_output_choices").toString()).contains("Counts items.");

        HttpResponse<String> broken = browser.postJson("/api/ask", "{\"question\":\"Please break the model\"}");
        assertThat(broken.statusCode()).isEqualTo(502);
        JsonObject error = awaitEvent("$ai_generation", e -> e.getJsonObject("properties").containsKey("$ai_is_error")
                && e.toString().contains("break the model"));
        assertThat(error.getJsonObject("properties").getBoolean("$ai_is_error")).isTrue();
        assertThat(error.getJsonObject("properties").getInt("$ai_http_status")).isEqualTo(500);
    }

    @Test
    void eventsCapturedDuringAnOutageAllArriveOnceWhenPostHogRecovers() {
        WebClient browser = signedIn();
        // refused connections: PostHog is down
        int port = java.net.URI.create(posthog.url()).getPort();
        deliveredBeforeOutage.addAll(posthog.delivered());
        posthog.close();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add("refused-" + i);
            assertThat(browser.get("/api/debug/throw?msg=down", "X-Request-ID", ids.get(i)).statusCode()).isEqualTo(500);
        }
        // back, but failing in every way a real outage does: 503, 429 with Retry-After, an answer that never comes
        posthog = FakePostHog.startOn(port).then(FakePostHog.Reply.status(503), FakePostHog.Reply.status(503),
                FakePostHog.Reply.status(429, "Retry-After", "1"), FakePostHog.Reply.HANG);
        for (int i = 0; i < 3; i++) {
            ids.add("flaky-" + i);
            assertThat(browser.get("/api/debug/throw?msg=flaky", "X-Request-ID", "flaky-" + i).statusCode()).isEqualTo(500);
        }
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(delivered().stream()
                .filter(e -> "$exception".equals(e.getString("event"))).map(e -> prop(e, "request_id"))
                .filter(ids::contains)).containsExactlyInAnyOrderElementsOf(ids));
    }

    @Test
    void aFeatureFlagTurnsAskingOffForAUserAndSqlStillWorks() {
        WebClient browser = signedIn();
        posthog.flags("{\"ask-llm\":{\"key\":\"ask-llm\",\"enabled\":false}}");
        try {
            HttpResponse<String> asked = browser.postJson("/api/ask", "{\"question\":\"How many items?\"}");
            assertThat(asked.statusCode()).isEqualTo(403);
            assertThat(object(asked.body()).getString("detail")).contains("ask-llm");
            assertThat(browser.get("/query").body()).doesNotContain("id=\"ask-form\"");
            assertThat(browser.postJson("/api/query", "{\"sql\":\"SELECT 1 AS one\"}").statusCode()).isEqualTo(200);
            // the user's exposure to the flag, for PostHog's experiments: once, although checked twice
            String userId = object(browser.get("/api/me").body()).getString("id");
            Predicate<JsonObject> exposure = e -> "$feature_flag_called".equals(e.getString("event"))
                    && userId.equals(e.getString("distinct_id")) && "ask-llm".equals(prop(e, "$feature_flag"));
            JsonObject called = awaitEvent("$feature_flag_called", exposure);
            assertThat(called.getJsonObject("properties").getBoolean("$feature_flag_response")).isFalse();
            assertThat(delivered().stream().filter(exposure)).hasSize(1);
        } finally {
            posthog.flags("{}");
        }
    }

    @Test
    void everyHtmlPageGetsTheSnippetExactlyOnceThroughGzipAndNothingElseChanges() throws IOException {
        WebClient browser = signedIn();
        String userId = object(browser.get("/api/me").body()).getString("id");
        for (String path : new String[] {"/", "/catalog", "/query", "/tokens", "/no-such-page"}) {
            HttpResponse<byte[]> page = browser.getBytes(path, "Accept-Encoding", "gzip");
            String html = gunzipIfNeeded(page);
            assertThat(html.split("posthog\\.init\\(", -1)).as(path).hasSize(2);
            assertThat(html.indexOf("posthog.init(")).as(path + ": in the head").isLessThan(html.indexOf("</head>"));
            assertThat(html).as(path).contains("phc_integration_test_key").contains(userId);
            // the page's CSP allows the inserted script by this response's nonce, and PostHog's host (the fake)
            String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
            java.util.regex.Matcher nonce = java.util.regex.Pattern.compile("'nonce-([A-Za-z0-9+/=]+)'").matcher(policy);
            assertThat(nonce.find()).as(path + ": " + policy).isTrue();
            assertThat(html).as(path).contains("<script nonce=\"" + nonce.group(1) + "\">(function(w,d)");
            assertThat(policy).as(path).contains("connect-src 'self' " + posthog.url()).doesNotContain("unsafe");
        }
        assertThat(browser.getBytes("/", "Accept-Encoding", "gzip").headers().firstValue("Content-Encoding")).hasValue("gzip");
        String login = new WebClient(url).get("/login").body();
        assertThat(login.split("posthog\\.init\\(", -1)).as("standalone login page").hasSize(2);
        assertThat(login).as("anonymous visitors are not identified").doesNotContain("identify(");
        assertThat(browser.get("/help").body()).as("POSTHOG_SNIPPET_EXCLUDE_PATHS=/help").contains("</head>")
                .doesNotContain("posthog");
        for (String path : new String[] {"/api/health", "/static/agnes.css", "/static/query.js"}) {
            assertThat(browser.get(path).body()).as(path).doesNotContain("posthog");
        }
        // CSS and JS arrive byte for byte as the WAR holds them (= what the integration-off server sends), gzipped or not
        for (String file : new String[] {"static/agnes.css", "static/query.js", "static/catalog.js"}) {
            byte[] original = Files.readAllBytes(Path.of("src/main/webapp", file));
            assertThat(gunzipIfNeeded(browser.getBytes("/" + file, "Accept-Encoding", "gzip"))
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)).as(file + " gzipped").isEqualTo(original);
            assertThat(browser.getBytes("/" + file).body()).as(file).isEqualTo(original);
        }

        // a hostile display name is data, never markup or script
        String email = "hostile-" + System.nanoTime() + "@example.com";
        browser.postJson("/api/admin/users", Json.createObjectBuilder().add("email", email)
                .add("display_name", "</script><script>alert(1)</script>").add("password", "hostile-pass").build().toString());
        WebClient hostile = new WebClient(url);
        assertThat(hostile.login(email, "hostile-pass").statusCode()).isEqualTo(303);
        String page = hostile.get("/").body();
        assertThat(page.split("posthog\\.init\\(", -1)).hasSize(2);
        assertThat(page).doesNotContain("<script>alert(1)");
    }

    private static long injectedPages(WebClient admin) {
        return Json.createReader(new java.io.StringReader(admin.get("/api/admin/observability/stats").body()))
                .readObject().getJsonObject("pages").getJsonNumber("injected").longValue();
    }

    @Test
    void theOperatorPageShowsTheSetupTheCountersAndSendsTestEvents() {
        WebClient admin = signedIn();
        org.jsoup.nodes.Document page = org.jsoup.Jsoup.parse(admin.get("/admin/observability").body());
        assertThat(page.select("#observability-config").text()).contains("on").contains(posthog.url()).contains("full");
        assertThat(page.select("#observability-config").text()).doesNotContain("phc_integration_test_key");
        assertThat(page.select("#observability-counters").text()).contains("Events captured").contains("Pages injected");
        // the filter counts into the same counters the operator reads (it keeps the instance behind the CDI proxy)
        long injectedBefore = injectedPages(admin);
        assertThat(admin.get("/").body()).contains("posthog.init(");
        assertThat(injectedPages(admin)).isGreaterThan(injectedBefore);

        org.jsoup.nodes.Document sent = org.jsoup.Jsoup.parse(
                admin.submitForm("/admin/observability", "#test-event-form", java.util.Map.of()).body());
        assertThat(sent.select("#sent pre").text()).contains("\"environment\":\"it\"").contains("operator page");
        awaitEvent("agnes_test_event", e -> true);

        org.jsoup.nodes.Document error = org.jsoup.Jsoup.parse(
                admin.submitForm("/admin/observability", "#test-error-form", java.util.Map.of()).body());
        assertThat(error.select("#sent pre").text()).contains("Test error raised from the Observability page");
        JsonObject raised = awaitEvent("$exception", e -> e.toString().contains("Test error raised"));
        assertThat(raised.getJsonObject("properties").getJsonArray("$exception_list").getJsonObject(0)
                .getJsonObject("mechanism").getBoolean("handled")).isTrue();
    }

    @Test
    void withTheProxyOnTheBrowsersEventsReachPostHogThroughAgnesAndNothingOfAgnesRidesAlong() throws Exception {
        WebClient browser = signedIn();
        String page = browser.get("/").body();
        assertThat(page).contains("\"api_host\":\"/ingest\"").contains("\"ui_host\":\"" + posthog.url() + "\"");

        java.io.ByteArrayOutputStream gzip = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(gzip)) {
            out.write("[{\"event\":\"$pageview\",\"properties\":{\"distinct_id\":\"through-the-proxy\"}}]"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        HttpResponse<String> sent = client.send(java.net.http.HttpRequest.newBuilder(
                        browser.uri("/ingest/e/?ip=0&ver=1.449.2&compression=gzip-js"))
                .header("Content-Type", "text/plain")
                .header("Cookie", "JSESSIONID=agnes-session-cookie")
                .header("Authorization", "Bearer agnes_pat_never_forwarded")
                .header("X-Forwarded-For", "203.0.113.9")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(gzip.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        assertThat(sent.headers().allValues("Set-Cookie")).as("no cookie of Agnes").isEmpty();
        assertThat(sent.headers().firstValue("X-Request-ID")).as("ahead of every filter of Agnes").isEmpty();
        FakePostHog.BrowserRequest received = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> posthog.browserRequests().stream().filter(r -> r.body().contains("through-the-proxy")).findFirst()
                        .orElse(null), java.util.Objects::nonNull);
        assertThat(received.path()).isEqualTo("/e/");
        assertThat(received.query()).isEqualTo("ip=0&ver=1.449.2&compression=gzip-js");
        assertThat(received.headers().get("x-forwarded-for")).startsWith("203.0.113.9, ");
        assertThat(received.headers()).doesNotContainKeys("cookie", "authorization");

        // not an open proxy: what the container hands on is refused by the proxy itself; a traversal the container
        // resolves lands outside the proxy path, on Agnes' own (signed-out) handling
        HttpResponse<String> elsewhere = client.send(java.net.http.HttpRequest.newBuilder(
                browser.uri("/ingest/%40evil.example/x")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(elsewhere.body()).contains("Not a PostHog path");
        assertThat(client.send(java.net.http.HttpRequest.newBuilder(browser.uri("/ingest/e/..%2F..%2Fapi%2Fme")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isNotEqualTo(200);
        assertThat(org.jsoup.Jsoup.parse(browser.get("/admin/observability").body()).select("#observability-config").text())
                .contains("Same-origin proxy /ingest → " + posthog.url());
    }

    private static String gunzipIfNeeded(HttpResponse<byte[]> response) throws IOException {
        byte[] body = response.body();
        if (response.headers().firstValue("Content-Encoding").orElse("").equals("gzip")) {
            body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
        }
        return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static List<JsonObject> delivered() {
        List<JsonObject> all = new java.util.ArrayList<>(deliveredBeforeOutage);
        all.addAll(posthog.delivered());
        return all;
    }

    private JsonObject awaitEvent(String name, Predicate<JsonObject> matching) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> delivered().stream()
                .filter(e -> name.equals(e.getString("event")) && matching.test(e)).findFirst().orElse(null),
                java.util.Objects::nonNull);
    }

    private static String prop(JsonObject event, String key) {
        JsonObject properties = event.getJsonObject("properties");
        return properties != null && properties.containsKey(key) && properties.get(key).getValueType() == jakarta.json.JsonValue.ValueType.STRING
                ? properties.getString(key) : null;
    }

    private WebClient signedIn() {
        WebClient browser = new WebClient(url);
        assertThat(browser.login(ADMIN, PASSWORD).statusCode()).isEqualTo(303);
        return browser;
    }
}
