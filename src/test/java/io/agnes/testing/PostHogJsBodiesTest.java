package io.agnes.testing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class PostHogJsBodiesTest {

    static final String BATCH = "[{\"event\":\"$pageview\",\"properties\":{\"title\":\"Café – Agnes\"}},"
            + "{\"event\":\"$pageleave\",\"properties\":{}}]";

    @Test
    void gzipBodiesReadTheSameWithOrWithoutAContentType() throws IOException {
        byte[] gzip = gzip(BATCH);
        assertThat(PostHogJsBodies.text(gzip, "text/plain")).isEqualTo(BATCH);
        assertThat(PostHogJsBodies.text(gzip, null)).as("a sendBeacon blob").isEqualTo(BATCH);
        assertThat(names(PostHogJsBodies.events(PostHogJsBodies.json(gzip, "text/plain")))).containsExactly("$pageview", "$pageleave");
    }

    @Test
    void base64FormBodiesAreDecodedAsUtf8() {
        String form = "data=" + URLEncoder.encode(Base64.getEncoder().encodeToString(BATCH.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
        assertThat(PostHogJsBodies.text(form.getBytes(StandardCharsets.US_ASCII), "application/x-www-form-urlencoded"))
                .isEqualTo(BATCH).contains("Café –");
    }

    @Test
    void plainJsonAndUrlEncodedJsonArePassedThrough() {
        assertThat(PostHogJsBodies.text(BATCH.getBytes(StandardCharsets.UTF_8), "application/json")).isEqualTo(BATCH);
        String form = "data=" + URLEncoder.encode(BATCH, StandardCharsets.UTF_8);
        assertThat(PostHogJsBodies.text(form.getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded")).isEqualTo(BATCH);
        assertThat(PostHogJsBodies.json(new byte[0], "application/json")).isNull();
    }

    @Test
    void oneEventABatchObjectAndAnArrayAllGiveTheirEvents() {
        assertThat(names(PostHogJsBodies.events(PostHogJsBodies.json(
                "{\"event\":\"$identify\",\"properties\":{}}".getBytes(StandardCharsets.UTF_8), "application/json"))))
                .containsExactly("$identify");
        assertThat(names(PostHogJsBodies.events(PostHogJsBodies.json(
                "{\"api_key\":\"k\",\"batch\":[{\"event\":\"$exception\"}]}".getBytes(StandardCharsets.UTF_8), null))))
                .containsExactly("$exception");
    }

    @Test
    void replayPartsCompressedAgainInsideTheEventAreUnpacked() throws IOException {
        String fullSnapshot = "{\"node\":{\"type\":0,\"childNodes\":[{\"tagName\":\"form\",\"attributes\":{\"id\":\"sql-form\"}}]}}";
        String adds = "[{\"node\":{\"textContent\":\"***\"}}]";
        JsonObject snapshot = Json.createObjectBuilder().add("event", "$snapshot").add("properties", Json.createObjectBuilder()
                .add("$snapshot_data", Json.createArrayBuilder()
                        .add(Json.createObjectBuilder().add("type", 2).add("cv", "2024-10").add("data", latin1(gzip(fullSnapshot))))
                        .add(Json.createObjectBuilder().add("type", 3).add("cv", "2024-10").add("data", Json.createObjectBuilder()
                                .add("source", 0).add("adds", latin1(gzip(adds))).add("texts", latin1(gzip("[]")))))
                        .add(Json.createObjectBuilder().add("type", 3).add("data", Json.createObjectBuilder()
                                .add("source", 5).add("text", "*****"))))).build();

        String replay = PostHogJsBodies.replay(snapshot);

        assertThat(replay).contains("\"id\":\"sql-form\"").contains("\"textContent\":\"***\"").contains("\"text\":\"*****\"");
        assertThat(PostHogJsBodies.replay(Json.createObjectBuilder().add("event", "$snapshot").build())).isEqualTo("[]");
    }

    private static List<String> names(List<JsonObject> events) {
        return events.stream().map(e -> e.getString("event")).toList();
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
