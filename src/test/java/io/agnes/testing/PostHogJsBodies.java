package io.agnes.testing;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads request bodies the way PostHog does, for every encoding posthog-js 1.449 sends (its {@code request.ts}):
 * <ul>
 * <li>{@code gzip-js}: the JSON gzipped (by fflate or the browser's {@code CompressionStream}), sent as
 * {@code text/plain} with {@code ?compression=gzip-js}; recognised by the gzip magic bytes, as PostHog does, so a
 * {@code sendBeacon} blob (same bytes, no content type of its own) reads the same;</li>
 * <li>{@code base64}: {@code data=<url-encoded base64 of the UTF-8 JSON>} as a form ({@code sendBeacon}'s fallback
 * and the flags request's);</li>
 * <li>plain JSON ({@code application/json}), and {@code data=<url-encoded JSON>}.</li>
 * </ul>
 * and the session-replay payloads inside {@code $snapshot} events, whose large parts posthog-js gzips once more
 * ({@code cv: "2024-10"}: a full snapshot's {@code data}, a mutation's {@code texts}/{@code attributes}/{@code removes}/
 * {@code adds}, as gzip bytes in a latin-1 string).
 */
public final class PostHogJsBodies {

    private PostHogJsBodies() {
    }

    /** The JSON text of a body, whatever the encoding; empty for an empty body. */
    public static String text(byte[] body, String contentType) {
        if (body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
            return new String(gunzip(body), StandardCharsets.UTF_8);
        }
        String text = new String(body, StandardCharsets.UTF_8);
        boolean form = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
        if (form || text.startsWith("data=")) {
            String data = formField(text, "data");
            String trimmed = data.strip();
            if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                return data;
            }
            return new String(Base64.getMimeDecoder().decode(trimmed), StandardCharsets.UTF_8);
        }
        return text;
    }

    /** The body as JSON ({@code null} for an empty body). */
    public static JsonStructure json(byte[] body, String contentType) {
        String text = text(body, contentType).strip();
        if (text.isEmpty()) {
            return null;
        }
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.read();
        }
    }

    /** The events of a capture body: an array of events, one event, or {@code {"batch": [...]}}. */
    public static List<JsonObject> events(JsonStructure json) {
        if (json == null) {
            return List.of();
        }
        if (json instanceof JsonArray array) {
            return array.getValuesAs(JsonObject.class);
        }
        JsonObject object = (JsonObject) json;
        if (object.containsKey("batch")) {
            return object.getJsonArray("batch").getValuesAs(JsonObject.class);
        }
        return List.of(object);
    }

    /**
     * The rrweb events of one {@code $snapshot} event, with every part posthog-js compressed decompressed again:
     * what PostHog stores and plays back. Searching this text is searching what a replay shows.
     */
    public static String replay(JsonObject snapshotEvent) {
        JsonObject properties = snapshotEvent.getJsonObject("properties");
        JsonValue data = properties == null ? null : properties.get("$snapshot_data");
        if (!(data instanceof JsonArray items)) {
            return "[]";
        }
        var out = Json.createArrayBuilder();
        for (JsonValue item : items) {
            out.add(item instanceof JsonObject object ? uncompressed(object) : item);
        }
        return out.build().toString();
    }

    private static JsonValue uncompressed(JsonObject rrwebEvent) {
        if (!rrwebEvent.containsKey("cv")) {
            return rrwebEvent;
        }
        var event = Json.createObjectBuilder(rrwebEvent);
        JsonValue data = rrwebEvent.get("data");
        if (data instanceof JsonString packed) {
            event.add("data", unpack(packed.getString()));
        } else if (data instanceof JsonObject fields) {
            var unpacked = Json.createObjectBuilder(fields);
            for (String field : List.of("texts", "attributes", "removes", "adds")) {
                if (fields.get(field) instanceof JsonString packed) {
                    unpacked.add(field, unpack(packed.getString()));
                }
            }
            event.add("data", unpacked);
        }
        return event.build();
    }

    /** fflate's {@code strFromU8(gzip, true)}: one char per byte. */
    private static JsonValue unpack(String latin1Gzip) {
        String json = new String(gunzip(latin1Gzip.getBytes(StandardCharsets.ISO_8859_1)), StandardCharsets.UTF_8);
        try (JsonReader reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    private static byte[] gunzip(byte[] gzip) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("not gzip after all", e);
        }
    }

    private static String formField(String form, String name) {
        List<String> values = new ArrayList<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (key.equals(name)) {
                values.add(eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (values.isEmpty()) {
            throw new IllegalArgumentException("form body without a '" + name + "' field");
        }
        return values.get(0);
    }
}
