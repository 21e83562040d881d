package io.agnes.observability;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Keeps the project's flag definitions fresh for local evaluation: one thread ({@value #THREAD}) that fetches
 * {@code GET {host}/api/feature_flag/local_evaluation/?token=<project key>&send_cohorts} with the secret key as
 * {@code Authorization: Bearer}, at start and then every poll interval, sending the last {@code ETag} so an
 * unchanged set costs PostHog a 304. It exists only while the integration is on with a secret key, and
 * {@link #stop()} ends it.
 *
 * <p>On a refused key (401, 403) or a used-up quota (402) the definitions are dropped, so flags go back to
 * PostHog's remote evaluation rather than being decided from rules PostHog no longer vouches for; on any other
 * failure the last good definitions stay in use, as PostHog's SDKs do. The secret key is never logged: anything
 * from the answer that is logged passes through {@link SecretKey#redact}.
 */
final class FlagDefinitionsPoller implements Runnable {

    static final String THREAD = "agnes-posthog-flags-poller";
    private static final Logger LOG = Logger.getLogger(FeatureFlags.class.getName());
    private static final int EXCERPT_CHARS = 200;

    private final HttpClient client;
    private final JsonReaderFactory json;
    private final URI uri;
    private final SecretKey secret;
    private final String userAgent;
    private final Duration requestTimeout;
    private final Duration interval;
    private final Consumer<FlagDefinitions> onChange;
    private final FlagFailures failures;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;
    private String etag;
    private boolean loggedFirstLoad;

    /** @param onChange receives each new set of definitions ({@link FlagDefinitions#NONE} when they are withdrawn) */
    FlagDefinitionsPoller(HttpClient client, JsonReaderFactory json, String host, String apiKey, SecretKey secret,
            String userAgent, Duration requestTimeout, Duration interval, Consumer<FlagDefinitions> onChange,
            FlagFailures failures) {
        this.client = client;
        this.json = json;
        this.uri = URI.create(host + "/api/feature_flag/local_evaluation/?token="
                + URLEncoder.encode(apiKey, StandardCharsets.UTF_8) + "&send_cohorts");
        this.secret = secret;
        this.userAgent = userAgent;
        this.requestTimeout = requestTimeout;
        this.interval = interval;
        this.onChange = onChange;
        this.failures = failures;
        // a plain platform thread, started here and joined in stop(); daemon so a forgotten stop() cannot hold the JVM
        this.thread = new Thread(this, THREAD);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        try {
            do {
                pollOnce();
            } while (!stopping.await(interval.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException stop) {
            // stop() interrupts a poll that waits for PostHog; the thread just ends
        }
    }

    /** One fetch; its outcome goes to {@code onChange} and the failure log. */
    void pollOnce() throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(requestTimeout)
                .header("Authorization", "Bearer " + secret.reveal())
                .header("User-Agent", userAgent)
                .GET();
        if (etag != null) {
            request.header("If-None-Match", etag);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            failed("no answer within " + requestTimeout.toMillis() + " ms");
            return;
        } catch (IOException | RuntimeException e) {
            if (stopping.getCount() == 0) {
                return; // the client was shut down under a poll that was cut short by stop()
            }
            failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return;
        }
        int status = response.statusCode();
        if (status == 304) {
            failures.succeeded();
            return;
        }
        if (status == 401 || status == 403 || status == 402) {
            etag = null;
            onChange.accept(FlagDefinitions.NONE);
            failed("HTTP " + status + excerpt(response.body()) + (status == 402 ? " (quota used up)"
                    : " (POSTHOG_FLAGS_SECRET_KEY refused: is it this project's secret key, and not revoked?)"));
            return;
        }
        if (status != 200) {
            failed("HTTP " + status + excerpt(response.body()));
            return;
        }
        FlagDefinitions definitions;
        try (JsonReader reader = json.createReader(new StringReader(response.body()))) {
            JsonObject document = reader.readObject();
            definitions = FlagDefinitions.parse(document);
        } catch (JsonException | IllegalStateException | IllegalArgumentException | ClassCastException e) {
            failed("the answer is not a flag definitions document" + excerpt(response.body()));
            return;
        }
        etag = response.headers().firstValue("ETag").orElse(null);
        onChange.accept(definitions);
        failures.succeeded();
        if (!loggedFirstLoad) {
            loggedFirstLoad = true;
            LOG.info("PostHog feature flags: " + definitions.size() + " flag definitions loaded for local evaluation");
        }
    }

    private void failed(String reason) {
        failures.failed(secret.redact(reason), "flags the definitions cannot decide are asked of PostHog; next try in "
                + interval.toSeconds() + " s");
    }

    private String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = secret.redact(body.strip().replaceAll("\\s+", " "));
        return ": " + (oneLine.length() > EXCERPT_CHARS ? oneLine.substring(0, EXCERPT_CHARS) + "…" : oneLine);
    }

    /** Ends the thread: a wait between polls ends at once, a poll waiting for PostHog is interrupted. */
    void stop(Duration patience) {
        stopping.countDown();
        thread.interrupt();
        try {
            thread.join(patience.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.severe("PostHog: the thread " + THREAD + " did not end within " + patience.toMillis() + " ms");
        }
    }

    boolean isAlive() {
        return thread.isAlive();
    }
}
