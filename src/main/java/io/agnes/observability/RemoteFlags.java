package io.agnes.observability;

import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonReaderFactory;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * PostHog's remote flag evaluation: {@code POST {host}/flags/?v=2} with {@code {"api_key", "distinct_id",
 * "geoip_disable": true}} answers every flag of the project for one distinct id. {@code geoip_disable}, as
 * PostHog's server SDKs send by default: the request comes from Agnes' server, whose location says nothing
 * about the user.
 */
final class RemoteFlags {

    /** Every flag of the project for one distinct id. */
    record Answer(Map<String, FlagResult> flags, boolean errorsWhileComputing) {

        Optional<FlagResult> flag(String key) {
            return Optional.ofNullable(flags.get(key));
        }
    }

    /** PostHog gave no usable answer; the message says why and holds no secret. */
    static final class Unavailable extends RuntimeException {
        Unavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final int EXCERPT_CHARS = 200;

    private final HttpClient client;
    private final JsonReaderFactory json;
    private final URI flagsUri;
    private final String apiKeyJson;
    private final String userAgent;
    private final Duration timeout;

    RemoteFlags(HttpClient client, JsonReaderFactory json, String host, String apiKey, String userAgent, Duration timeout) {
        this.client = client;
        this.json = json;
        this.flagsUri = URI.create(host + "/flags/?v=2");
        this.apiKeyJson = EventJson.quote(apiKey);
        this.userAgent = userAgent;
        this.timeout = timeout;
    }

    /** Starts the request; the future fails with {@link Unavailable} for every kind of failure. Never throws. */
    CompletableFuture<Answer> fetch(String distinctId) {
        String body = "{\"api_key\":" + apiKeyJson + ",\"distinct_id\":" + EventJson.quote(distinctId)
                + ",\"geoip_disable\":true}";
        HttpRequest request = HttpRequest.newBuilder(flagsUri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                    .handle((response, error) -> {
                        if (error != null) {
                            throw new Unavailable(describe(error));
                        }
                        if (response.statusCode() != 200) {
                            throw new Unavailable("HTTP " + response.statusCode() + excerpt(response.body()));
                        }
                        return parse(response.body());
                    });
        } catch (RuntimeException e) { // a client already shut down
            return CompletableFuture.failedFuture(new Unavailable(describe(e)));
        }
    }

    private String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "no answer within " + timeout.toMillis() + " ms (POSTHOG_REQUEST_TIMEOUT)";
        }
        if (cause instanceof IOException || cause instanceof RuntimeException) {
            return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return String.valueOf(cause);
    }

    /** The {@code v=2} answer: {@code {"flags": {key: {enabled, variant, metadata: {payload}}}, "errorsWhileComputingFlags"}}. */
    Answer parse(String body) {
        JsonObject answer;
        try (JsonReader reader = json.createReader(new StringReader(body))) {
            answer = reader.readObject();
        } catch (JsonException | IllegalStateException | ClassCastException e) {
            throw new Unavailable("the answer is not a JSON object" + excerpt(body));
        }
        if (answer.get("quotaLimited") instanceof JsonArray limited && limited.stream()
                .anyMatch(v -> v instanceof JsonString s && s.getString().equals("feature_flags"))) {
            throw new Unavailable("PostHog's feature-flag quota of this project is used up (quotaLimited)");
        }
        if (!(answer.get("flags") instanceof JsonObject flags)) {
            throw new Unavailable("the answer has no \"flags\" object" + excerpt(body));
        }
        Map<String, FlagResult> results = new LinkedHashMap<>();
        flags.forEach((key, value) -> {
            if (value instanceof JsonObject flag) {
                boolean enabled = flag.get("enabled") == JsonValue.TRUE;
                String variant = flag.get("variant") instanceof JsonString s ? s.getString() : null;
                String payload = flag.get("metadata") instanceof JsonObject metadata
                        ? FlagDefinitions.payloadText(metadata.get("payload")) : null;
                results.put(key, new FlagResult(enabled, variant, payload));
            }
        });
        return new Answer(Map.copyOf(results), answer.get("errorsWhileComputingFlags") == JsonValue.TRUE);
    }

    private static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return ": " + (oneLine.length() > EXCERPT_CHARS ? oneLine.substring(0, EXCERPT_CHARS) + "…" : oneLine);
    }
}
