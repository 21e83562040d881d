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

class EventJsonTest {

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
        assertThat(properties.getString("$lib")).isEqualTo("agnes-java");
        assertThat(properties.getString("$lib_version")).isEqualTo("1.2.3");
    }

    @Test
    void theLibraryPropertiesReplaceTheCallersOnesInsteadOfDuplicatingThem() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("$lib", "posthog-server");
        properties.put("$lib_version", "9");
        String json = new String(EventJson.item(Event.of("e", "d", properties), "1.2.3"), StandardCharsets.UTF_8);

        assertThat(json).containsOnlyOnce("\"$lib\"").containsOnlyOnce("\"$lib_version\"").contains("agnes-java");
    }

    @Test
    void everyKindOfValueBecomesValidJson() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("text", "quote \" backslash \\ newline \n tab \t bell \u0007 </script> é 😀");
        properties.put("int", 42);
        properties.put("long", 9_007_199_254_740_993L);
        properties.put("double", 1.5);
        properties.put("nan", Double.NaN);
        properties.put("infinite", Float.POSITIVE_INFINITY);
        properties.put("decimal", new BigDecimal("12345678901234567890.123"));
        properties.put("atomic", new AtomicLong(7));
        properties.put("yes", true);
        properties.put("nothing", null);
        properties.put("list", List.of(1, "two", List.of(3)));
        properties.put("set", Set.of("only"));
        properties.put("ints", new int[] {1, 2});
        properties.put("strings", new String[] {"a", null});
        properties.put("map", Map.of("nested", Map.of("deeper", false)));
        properties.put("optional", Optional.of("present"));
        properties.put("empty", Optional.empty());
        properties.put("enum", DropReason.QUEUE_FULL);
        properties.put("other", Instant.parse("2026-01-01T00:00:00Z"));

        JsonObject p = item(properties).getJsonObject("properties");

        assertThat(p.getString("text")).isEqualTo("quote \" backslash \\ newline \n tab \t bell \u0007 </script> é 😀");
        assertThat(p.getInt("int")).isEqualTo(42);
        assertThat(p.getJsonNumber("long").longValueExact()).isEqualTo(9_007_199_254_740_993L);
        assertThat(p.getJsonNumber("double").doubleValue()).isEqualTo(1.5);
        assertThat(p.get("nan")).isEqualTo(JsonValue.NULL);
        assertThat(p.get("infinite")).isEqualTo(JsonValue.NULL);
        assertThat(p.getJsonNumber("decimal").bigDecimalValue()).isEqualByComparingTo("12345678901234567890.123");
        assertThat(p.getInt("atomic")).isEqualTo(7);
        assertThat(p.getBoolean("yes")).isTrue();
        assertThat(p.isNull("nothing")).isTrue();
        assertThat(p.getJsonArray("list").toString()).isEqualTo("[1,\"two\",[3]]");
        assertThat(p.getJsonArray("set").getString(0)).isEqualTo("only");
        assertThat(p.getJsonArray("ints").toString()).isEqualTo("[1,2]");
        assertThat(p.getJsonArray("strings").toString()).isEqualTo("[\"a\",null]");
        assertThat(p.getJsonObject("map").getJsonObject("nested").getBoolean("deeper")).isFalse();
        assertThat(p.getString("optional")).isEqualTo("present");
        assertThat(p.isNull("empty")).isTrue();
        assertThat(p.getString("enum")).isEqualTo("QUEUE_FULL");
        assertThat(p.getString("other")).isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void aLoneSurrogateBecomesAReplacementCharacterSoStrictParsersAcceptTheBatch() {
        String cutEmoji = "😀".substring(0, 1);
        byte[] json = EventJson.item(Event.of("e", "d", Map.of("text", "before " + cutEmoji + " after")), "1");

        assertThat(parse(json).getJsonObject("properties").getString("text")).isEqualTo("before \uFFFD after");
    }

    @Test
    void aMapThatContainsItselfIsCutAtTheDepthLimitInsteadOfOverflowingTheStack() {
        Map<String, Object> loop = new HashMap<>();
        loop.put("self", loop);
        List<Object> list = new ArrayList<>();
        list.add(list);

        JsonObject p = item(Map.of("loop", loop, "list", list)).getJsonObject("properties");

        assertThat(p.toString()).contains("[nested too deeply]");
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
