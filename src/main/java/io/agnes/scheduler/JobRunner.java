package io.agnes.scheduler;

import io.agnes.auth.AuthSettings;
import io.agnes.web.SelfAddress;
import io.agnes.web.Setting;
import io.agnes.web.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;

/** Runs one job: calls Agnes' API with the scheduler secret, records the run, and throws when it failed. */
@ApplicationScoped
public class JobRunner {

    /** A job's call may take this long (a catalog enrichment is many LLM calls) before it counts as failed. */
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(10);

    @Inject
    Settings settings;

    @Inject
    AuthSettings authSettings;

    @Inject
    JobRuns jobRuns;

    @Inject
    SelfAddress selfAddress;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** @param attempt 1 for a tick's first run, 2+ when the container redelivers a failed tick */
    public void run(ScheduledJob job, int attempt) {
        String baseUrl = settings.isSet(Setting.AGNES_SCHEDULER_BASE_URL)
                ? settings.string(Setting.AGNES_SCHEDULER_BASE_URL) : selfAddress.baseUrl();
        JobRun run = call(http, job, baseUrl,
                authSettings.schedulerSecret().orElse(""), CALL_TIMEOUT).withAttempt(attempt);
        jobRuns.record(run);
        if ("failed".equals(run.getOutcome())) {
            throw new JobFailedException(job, run.getHttpStatus(), attempt, job.id() + " failed: " + run.getError());
        }
    }

    /** Records that a job did not run and why (e.g. catalog enrichment without an LLM). */
    public void skip(ScheduledJob job, String reason) {
        jobRuns.record(new JobRun(job, Instant.now(), 0, null, "skipped", reason));
    }

    /** One call of a job; a response of 400 or more, or none at all, is a failed run. */
    static JobRun call(HttpClient http, ScheduledJob job, String baseUrl, String secret, Duration timeout) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(stripSlash(baseUrl) + job.path()))
                    .timeout(timeout)
                    .header("Authorization", "Bearer " + secret)
                    .header("Accept", "application/json")
                    .header("User-Agent", "agnes-scheduler")
                    .method(job.method(), HttpRequest.BodyPublishers.noBody())
                    .build();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            int status = response.statusCode();
            if (status >= 400) {
                return new JobRun(job, started, ms, status, "failed", "HTTP " + status + ": " + abbreviate(response.body()));
            }
            return new JobRun(job, started, ms, status, "ok", null);
        } catch (HttpTimeoutException e) {
            return transportFailure(job, started, t0, "no answer within " + timeout.toSeconds() + " s");
        } catch (IOException | IllegalArgumentException e) {
            return transportFailure(job, started, t0, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return transportFailure(job, started, t0, "interrupted");
        }
    }

    private static JobRun transportFailure(ScheduledJob job, Instant started, long t0, String error) {
        return new JobRun(job, started, (System.nanoTime() - t0) / 1_000_000, null, "failed", error);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.replaceAll("\\s+", " ").trim();
        return flat.length() > 300 ? flat.substring(0, 299) + "…" : flat;
    }
}
