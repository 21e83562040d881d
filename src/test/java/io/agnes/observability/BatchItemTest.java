package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BatchItemTest {

    private static JsonObject parse(byte[] json) {
        try (JsonReader reader = Json.createReader(new StringReader(new String(json, StandardCharsets.UTF_8)))) {
            return reader.readObject();
        }
    }

    private static JsonObject item(Map<String, Object> properties) {
        Event event = new Event(UUID.fromString("0190a5c4-2b1e-7abc-8def-0123456789ab"), "$exception", "user-7",
                Instant.parse("2026-11-27T10:15:30.123Z"), properties);
        return parse(EventJson.item(event, "1.2.3"));
    }

    @Test
    void anItemHasPostHogsBatchShapeWithTheLibraryAdded() {
        JsonObject item = item(Map.of("path", "/api/x"));

        assertThat(item.keySet()).containsExactly("event", "distinct_id", "properties", "timestamp", "uuid");
        assertThat(item.getString("event")).isEqualTo("$exception");
        assertThat(item.getString("distinct_id")).isEqualTo("user-7");
        assertThat(item.getString("timestamp")).isEqualTo("2026-11-27T10:15:30.123Z");
        assertThat(item.getString("uuid")).isEqualTo("0190a5c4-2b1e-7abc-8def-0123456789ab");
        JsonObject properties = item.getJsonObject("properties");
        assertThat(properties.getString("path")).isEqualTo("/api/x");
        assertThat(properties.getString("$lib")).isEqualTo(CommonProperties.LIB);
        assertThat(properties.getString("$lib_version")).isEqualTo("1.2.3");
    }

    @Test
    void theLibraryPropertiesReplaceTheCallersOnesInsteadOfDuplicatingThem() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("$lib", "posthog-server");
        properties.put("$lib_version", "9");
        String json = new String(EventJson.item(Event.of("e", "d", properties), "1.2.3"), StandardCharsets.UTF_8);

        assertThat(json).containsOnlyOnce("\"$lib\"").containsOnlyOnce("\"$lib_version\"").contains(CommonProperties.LIB);
    }

    @Test
    void eventsGetTimeOrderedVersion7Uuids() {
        Event first = Event.of("e", "d", Map.of());
        Event second = Event.of("e", "d", null);

        assertThat(first.uuid().version()).isEqualTo(7);
        assertThat(first.uuid().variant()).isEqualTo(2);
        assertThat(first.uuid()).isNotEqualTo(second.uuid());
        assertThat(first.uuid().getMostSignificantBits() >>> 16).isLessThanOrEqualTo(second.uuid().getMostSignificantBits() >>> 16);
        assertThat(second.properties()).isEmpty();
    }

    @Test
    void anEventKeepsItsOwnCopyOfThePropertiesSoLaterChangesByTheCallerDoNotLeakIn() {
        Map<String, Object> properties = new HashMap<>(Map.of("a", 1));
        Event event = Event.of("e", "d", properties);
        properties.put("b", 2);

        assertThat(event.properties()).containsOnlyKeys("a");
    }
}
