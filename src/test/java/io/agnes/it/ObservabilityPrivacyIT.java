package io.agnes.it;

import static io.agnes.testing.JsonBodies.object;
import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.testing.AgnesDeployment;
import io.agnes.testing.BrowserTools;
import io.agnes.testing.FakeLlmServer;
import io.agnes.testing.FakePostHogCloud;
import io.agnes.testing.FakePostHogCloud.Captured;
import io.agnes.testing.OpenAiWire;
import io.agnes.testing.WebClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The PostHog integration in its most private setting: identify mode {@code none} and no LLM payloads. Nobody
 * is identified, no user detail and no prompt leaves Agnes — the original leaked the user id in this mode. The
 * browser check runs the real posthog-js in Chromium (skipped where it is missing, see {@code BrowserTools}).
 */
@ExtendWith(ArquillianExtension.class)
class ObservabilityPrivacyIT {

    static final String ADMIN = "private@example.com";
    static final String PASSWORD = "private-admin-pass";
    /** PostHog for the server and, in the browser test, for posthog-js too. */
    static FakePostHogCloud posthog;
    static FakeLlmServer llm;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        posthog = FakePostHogCloud.start(BrowserTools.posthogJsDist());
        llm = new FakeLlmServer().replyAlways(request -> OpenAiWire.completion(Json.createObjectBuilder()
                .add("sql", "SELECT count(*) AS n FROM orders").add("explanation", "Counts orders.").build().toString(), "stop"));
        return AgnesDeployment.agnes()
                .setting("POSTHOG_API_KEY", "phc_private_test_key")
                .setting("POSTHOG_HOST", posthog.url())
                .setting("POSTHOG_IDENTIFY_PII", "NONE")
                .setting("POSTHOG_FLUSH_INTERVAL", "200ms")
                .setting("DEBUG", "true")
                .setting("AGNES_ADMIN_EMAIL", ADMIN)
                .setting("AGNES_ADMIN_PASSWORD", PASSWORD)
                .setting("LLM_PROVIDER", "openai_compat")
                .setting("LLM_BASE_URL", llm.url() + "/v1")
                .build();
    }

    @AfterAll
    static void stopFakes() {
        posthog.close();
        llm.close();
    }

    @Test
    void errorsAndLlmCallsCarryNeitherTheUserNorThePrompt() {
        WebClient browser = new WebClient(url);
        assertThat(browser.login(ADMIN, PASSWORD).statusCode()).isEqualTo(303);
        String userId = object(browser.get("/api/me").body()).getString("id");
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                object(browser.get("/api/sync/status").body()).getString("state").equals("succeeded"));

        browser.get("/api/debug/throw?msg=private", "X-Request-ID", "private-1", "X-POSTHOG-DISTINCT-ID", "browser-anon-42");
        String traceId = object(browser.postJson("/api/ask", "{\"question\":\"How many orders, secretly?\"}").body()).getString("trace_id");

        JsonObject exception = await("$exception", e -> e.toString().contains("private-1"));
        JsonObject generation = await("$ai_generation", e -> e.toString().contains(traceId));
        for (JsonObject event : new JsonObject[] {exception, generation}) {
            String json = event.toString();
            assertThat(event.getString("distinct_id")).isNotEqualTo(userId);
            assertThat(json).doesNotContain(userId).doesNotContain(ADMIN).doesNotContain("user_email").doesNotContain("user_id");
            assertThat(event.getJsonObject("properties").getBoolean("$process_person_profile")).isFalse();
        }
        assertThat(exception.getString("distinct_id")).as("the browser's own anonymous id").isEqualTo("browser-anon-42");
        JsonObject properties = generation.getJsonObject("properties");
        assertThat(properties.containsKey("$ai_input")).isFalse();
        assertThat(properties.containsKey("$ai_output_choices")).isFalse();
        assertThat(generation.toString()).doesNotContain("secretly").doesNotContain("Counts orders.");
        assertThat(properties.getInt("$ai_input_tokens")).as("metadata still flows").isEqualTo(321);
    }

    @Test
    @ExtendWith(BrowserTools.class)
    void aSignedInBrowserIsNeverIdentifiedAndCarriesNoUserDetail() {
        WebClient client = new WebClient(url);
        assertThat(client.login(ADMIN, PASSWORD).statusCode()).isEqualTo(303);
        String userId = object(client.get("/api/me").body()).getString("id");
        ChromeDriver browser = BrowserTools.chromium(Path.of(System.getProperty("java.io.tmpdir"), "browser-it"));
        try {
            browser.get("http://127.0.0.1:" + url.getPort() + "/login");
            browser.findElement(By.name("email")).sendKeys(ADMIN);
            browser.findElement(By.name("password")).sendKeys(PASSWORD);
            browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> !d.getCurrentUrl().contains("/login")
                    && Boolean.TRUE.equals(browser.executeScript("return !!(window.posthog&&window.posthog.__loaded)")));
            String session = (String) browser.executeScript("return posthog.get_session_id()");
            assertThat(browser.executeScript("return posthog.get_distinct_id()")).isNotEqualTo(userId);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> posthog.browserEvents("$pageview",
                    e -> session.equals(e.sessionId()) && e.property("$current_url").endsWith("/")).size() == 1);
            // everything the page captured before this marker has arrived once it has
            String marker = UUID.randomUUID().toString();
            browser.executeScript("posthog.capture('test_barrier',{marker:arguments[0]})", marker);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !posthog.browserEvents("test_barrier",
                    e -> marker.equals(e.property("marker"))).isEmpty());

            List<Captured> sent = posthog.browserEvents().stream().filter(e -> session.equals(e.sessionId())).toList();
            assertThat(sent).extracting(Captured::name).contains("$pageview").doesNotContain("$identify", "$set");
            assertThat(sent).allSatisfy(e -> {
                assertThat(e.distinctId()).isNotEqualTo(userId);
                assertThat(e.event().toString()).doesNotContain(userId).doesNotContain(ADMIN)
                        .doesNotContain("user_id").doesNotContain("user_email");
            });
        } finally {
            browser.quit();
        }
    }

    private JsonObject await(String name, java.util.function.Predicate<JsonObject> matching) {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> posthog.serverEvents().stream()
                .map(Captured::event)
                .filter(e -> name.equals(e.getString("event")) && matching.test(e)).findFirst().orElse(null),
                java.util.Objects::nonNull);
    }
}
