package io.agnes.it;

import static io.agnes.testing.JsonBodies.object;
import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.testing.AgnesDeployment;
import io.agnes.testing.WebClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Agnes as a developer runs it: LOCAL_DEV_MODE and DEBUG on. */
@ExtendWith(ArquillianExtension.class)
class DevModeIT {

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return AgnesDeployment.agnes()
                .setting("LOCAL_DEV_MODE", "1")
                .setting("DEBUG", "yes")
                // a scheduler whose calls cannot arrive: every run fails on transport, and the timer keeps going
                .setting("AGNES_SCHEDULER_SECRET", "dev-scheduler-secret-dev-scheduler-secret")
                .setting("AGNES_SCHEDULER_BASE_URL", "http://127.0.0.1:9")
                .setting("AGNES_JOB_HEALTH_CHECK_INTERVAL", "1s")
                .setting("AGNES_JOB_DATA_REFRESH_INTERVAL", "off")
                .setting("AGNES_JOB_CATALOG_ENRICHMENT_INTERVAL", "1s")
                .withClasses(StreamingProbe.class)
                .build();
    }

    @Test
    void everyRequestIsTheSeededDevAdmin() {
        WebClient anyone = new WebClient(url);
        JsonObject me = object(anyone.get("/api/me").body());
        assertThat(me.getString("email")).isEqualTo("dev@localhost");
        assertThat(me.getBoolean("admin")).isTrue();
        assertThat(me.getString("authenticated_via")).isEqualTo("dev_mode");
        HttpResponse<String> dashboard = anyone.get("/");
        assertThat(dashboard.statusCode()).isEqualTo(200);
        assertThat(dashboard.body()).contains("Local developer").contains("/admin/users");
        assertThat(anyone.get("/admin/users").statusCode()).isEqualTo(200);
        assertThat(anyone.get("/login?next=%2Ftokens").headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/tokens"));
    }

    @Test
    void failedJobRunsAreRecordedAndTheTimerKeepsItsSchedule() {
        WebClient admin = new WebClient(url);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> {
            var failed = io.agnes.testing.JsonBodies.array(admin.get("/api/admin/jobs/runs").body()).stream()
                    .map(jakarta.json.JsonValue::asJsonObject)
                    .filter(r -> r.getString("job").equals("health_check") && r.getString("outcome").equals("failed"))
                    .toList();
            assertThat(failed).hasSizeGreaterThanOrEqualTo(3);
            assertThat(failed.get(0).isNull("http_status")).isTrue();
            assertThat(failed.get(0).getString("error")).contains("ConnectException");
            // the container redelivers a failed timeout; those runs are marked as later attempts
            assertThat(failed).anySatisfy(r -> assertThat(r.getInt("attempt")).isGreaterThan(1));
        });
        // without an LLM the enrichment job is skipped, not failed
        assertThat(io.agnes.testing.JsonBodies.array(admin.get("/api/admin/jobs/runs?limit=1000").body()).stream()
                .map(jakarta.json.JsonValue::asJsonObject)
                .filter(r -> r.getString("job").equals("catalog_enrichment")))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getString("outcome")).isEqualTo("skipped"));
    }

    @Test
    void questionsNeedAnLlmAndSaySoHowToConfigureOne() {
        HttpResponse<String> ask = new WebClient(url).postJson("/api/ask", "{\"question\":\"How many orders?\"}");
        assertThat(ask.statusCode()).isEqualTo(503);
        assertThat(object(ask.body()).getString("detail")).contains("ANTHROPIC_API_KEY").contains("LLM_BASE_URL");
        assertThat(new WebClient(url).postJson("/api/admin/run-catalog-enrichment", "").statusCode()).isEqualTo(503);
    }

    @Test
    void textResponsesAreGzippedAndDecompressToTheSameBytes() throws Exception {
        WebClient client = new WebClient(url);
        for (String path : new String[] {"/", "/catalog", "/query", "/static/agnes.css", "/static/query.js", "/api/probe/stream/async"}) {
            HttpResponse<byte[]> plain = client.getBytes(path);
            HttpResponse<byte[]> gzipped = client.getBytes(path, "Accept-Encoding", "gzip");
            assertThat(gzipped.headers().firstValue("Content-Encoding")).as(path).hasValue("gzip");
            assertThat(gzipped.headers().firstValue("Content-Length")).as(path).isEmpty();
            assertThat(gzipped.headers().allValues("Vary")).as(path).contains("Accept-Encoding");
            assertThat(plain.headers().firstValue("Content-Encoding")).as(path).isEmpty();
            assertThat(gzipped.statusCode()).as(path).isEqualTo(plain.statusCode());
            byte[] inflated = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gzipped.body())).readAllBytes();
            String expected = new String(plain.body(), java.nio.charset.StandardCharsets.UTF_8);
            String actual = new String(inflated, java.nio.charset.StandardCharsets.UTF_8);
            // pages carry a fresh CSRF token each time; everything else is byte-identical
            assertThat(actual.replaceAll("[0-9a-f-]{36}", "T")).as(path).isEqualTo(expected.replaceAll("[0-9a-f-]{36}", "T"));
        }
        assertThat(client.getBytes("/api/probe/stream/async", "Accept-Encoding", "gzip").body().length)
                .isLessThan(StreamingProbe.bigJson().length() / 3);
        // small bodies keep their length and are not compressed
        HttpResponse<byte[]> health = client.getBytes("/api/health", "Accept-Encoding", "gzip");
        assertThat(health.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(health.headers().firstValue("Content-Length")).hasValue(String.valueOf(health.body().length));
    }

    @Test
    void headNotModifiedAndEventStreamsAreLeftAlone() throws Exception {
        WebClient client = new WebClient(url);
        HttpResponse<String> head = client.head("/static/agnes.css", "Accept-Encoding", "gzip");
        assertThat(head.headers().firstValue("Content-Encoding")).isEmpty();
        String lastModified = client.get("/static/agnes.css").headers().firstValue("Last-Modified").orElseThrow();
        HttpResponse<byte[]> notModified = client.getBytes("/static/agnes.css", "Accept-Encoding", "gzip",
                "If-Modified-Since", lastModified);
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(notModified.body()).isEmpty();

        HttpResponse<String> events = client.get("/api/probe/stream/events", "Accept-Encoding", "gzip", "Accept", "text/event-stream");
        assertThat(events.statusCode()).isEqualTo(200);
        assertThat(events.headers().firstValue("Content-Encoding")).isEmpty();
        // seen once in CI: 200 with an empty body, not reproduced in 6,000 tries; the description keeps what a next
        // occurrence needs (WebClient speaks HTTP/2 over an h2c upgrade, which Payara accepts)
        assertThat(events.body()).as("%s %s", events.version(), events.headers().map()).contains("event: tick").contains("data: event 0").contains("data: event 2");
    }

    @Test
    void apiErrorsCarryTheMessageOnlyBecauseDebugIsOn() {
        HttpResponse<String> failure = new WebClient(url).get("/api/debug/throw?kind=ValueError&msg=boom%20here",
                "X-Request-ID", "dbg-1");
        assertThat(failure.statusCode()).isEqualTo(500);
        JsonObject body = object(failure.body());
        assertThat(body.getString("detail")).isEqualTo("Internal server error");
        assertThat(body.getString("request_id")).isEqualTo("dbg-1");
        assertThat(body.getString("error")).isEqualTo("boom here");
        assertThat(failure.body()).doesNotContain("at io.agnes").doesNotContain("IllegalArgumentException");
    }

    @Test
    void errorsOutsideJaxRsEndInTheHtmlErrorPageWithTheRequestId() {
        HttpResponse<String> page = new WebClient(url).get("/debug/throw?kind=KeyError&msg=page%20broke",
                "X-Request-ID", "page-500");
        assertThat(page.statusCode()).isEqualTo(500);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("Something went wrong").contains("page-500")
                .doesNotContain("NoSuchElementException").doesNotContain("at io.agnes");
    }
}
