package io.agnes.observability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;

/**
 * One {@code POST {host}/batch/} of already serialized events, gzip-compressed, and what PostHog's answer
 * means for the events in it. No retrying here: that is the sender loop's decision.
 *
 * <p>Owns its {@link HttpClient} and the client's executor, and ends both in {@link #close()}: a JDK
 * {@code HttpClient} keeps a selector thread (and its executor's threads) alive until it is shut down, which in
 * an application server would outlive an undeploy and pin the web application's class loader.
 */
final class BatchSender implements AutoCloseable {

    /** What to do with the events of a request, from PostHog's answer. */
    enum Verdict {
        /** 2xx: PostHog has them */
        DELIVERED,
        /** connection failure, timeout, 408, 429, 5xx: send them again later */
        RETRY,
        /** 413: too large; split the batch (a single event is dropped) */
        TOO_LARGE,
        /** 400 or another 4xx, or a redirect: sending the same again cannot succeed; drop them */
        REJECTED
    }

    /**
     * @param detail     what happened, for logs and the operator page (status and a short excerpt of the answer)
     * @param retryAfter PostHog's {@code Retry-After}, when it sent one
     */
    record Outcome(Verdict verdict, String detail, Optional<Duration> retryAfter) {
    }

    /** Bytes of the envelope around the items, plus one comma per item (for keeping bodies under the limit). */
    static final int ENVELOPE_BYTES = 200;
    private static final int EXCERPT_CHARS = 300;

    private final URI batchUri;
    private final byte[] apiKeyJson;
    private final String userAgent;
    private final ExecutorService executor;
    private final HttpClient client;

    BatchSender(String host, String apiKey, String libVersion, Duration connectTimeout) {
        this.batchUri = URI.create(host + "/batch/");
        StringBuilder key = new StringBuilder();
        EventJson.string(key, apiKey);
        this.apiKeyJson = key.toString().getBytes(StandardCharsets.UTF_8);
        this.userAgent = "agnes-java/" + libVersion;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, task -> {
            Thread thread = new Thread(task, "agnes-posthog-http-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.client = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(ProxySelector.getDefault()) // honours -Dhttps.proxyHost for servers behind a proxy
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Sends the items as one batch; {@code timeout} bounds the wait for PostHog's answer. */
    Outcome send(List<byte[]> items, Duration timeout) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(batchUri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzippedBody(items, Instant.now())))
                .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return new Outcome(Verdict.RETRY, "no answer within " + timeout.toMillis() + " ms", Optional.empty());
        } catch (IOException e) {
            return new Outcome(Verdict.RETRY, e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), Optional.empty());
        }
        int status = response.statusCode();
        String detail = "HTTP " + status + excerpt(response.body());
        if (status >= 200 && status < 300) {
            return new Outcome(Verdict.DELIVERED, detail, Optional.empty());
        }
        if (status == 408 || status == 429 || status >= 500) {
            Optional<Duration> retryAfter = response.headers().firstValue("Retry-After")
                    .flatMap(value -> RetryBackoff.parseRetryAfter(value, Instant.now()));
            return new Outcome(Verdict.RETRY, detail, retryAfter);
        }
        if (status == 413) {
            return new Outcome(Verdict.TOO_LARGE, detail, Optional.empty());
        }
        if (status >= 300 && status < 400) {
            detail += " to " + response.headers().firstValue("Location").orElse("?") + " (check POSTHOG_HOST)";
        }
        return new Outcome(Verdict.REJECTED, detail, Optional.empty());
    }

    /**
     * {@code {"api_key":…,"batch":[items],"sent_at":…}}, gzip. {@code sent_at} is the time of THIS attempt:
     * PostHog corrects event timestamps for clock skew with it, so a retry must not repeat the first one's.
     */
    byte[] gzippedBody(List<byte[]> items, Instant sentAt) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
        try (OutputStream out = new GZIPOutputStream(buffer, 8192)) {
            out.write("{\"api_key\":".getBytes(StandardCharsets.US_ASCII));
            out.write(apiKeyJson);
            out.write(",\"batch\":[".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < items.size(); i++) {
                if (i > 0) {
                    out.write(',');
                }
                out.write(items.get(i));
            }
            out.write(("],\"sent_at\":\"" + sentAt + "\"}").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen in memory
        }
        return buffer.toByteArray();
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > EXCERPT_CHARS ? oneLine.substring(0, EXCERPT_CHARS) + "…" : oneLine);
    }

    /**
     * Ends the HTTP client's selector thread and the executor's threads, and waits (at most a second each) until
     * they are gone. An interrupt (the stop deadline) does not cut this wait short: leaving threads behind is
     * what this is for.
     */
    @Override
    public void close() {
        boolean interrupted = Thread.interrupted();
        client.shutdownNow();
        interrupted |= awaitQuietly(() -> client.awaitTermination(Duration.ofSeconds(1)));
        executor.shutdownNow();
        interrupted |= awaitQuietly(() -> executor.awaitTermination(1, TimeUnit.SECONDS));
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Termination {
        boolean await() throws InterruptedException;
    }

    /** Awaits, repeating the wait after interrupts (a second at most each time); returns whether interrupted. */
    private static boolean awaitQuietly(Termination termination) {
        boolean interrupted = false;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                termination.await();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }
}
