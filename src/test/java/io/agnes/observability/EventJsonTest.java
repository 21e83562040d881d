package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventJsonTest {

    @Test
    void quotesAndBackslashesAreEscaped() {
        assertThat(EventJson.write("say \"hi\" \\ bye")).isEqualTo("\"say \\\"hi\\\" \\\\ bye\"");
    }

    @Test
    void controlCharactersAreEscapedWithShortFormsWhereJsonHasThem() {
        assertThat(EventJson.write("a\nb\rc\td\be\ff\u0000g\u001fh\u007fi\u009f"))
                .isEqualTo("\"a\\nb\\rc\\td\\be\\ff\\u0000g\\u001fh\\u007fi\\u009f\"");
    }

    @Test
    void lineAndParagraphSeparatorsAreEscapedForJavaScript() {
        assertThat(EventJson.write("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
    }

    @Test
    void forAScriptTagsAndAmpersandsAreEscapedAndTheValueIsUnchanged() {
        Map<String, Object> value = Map.of("k</script>", "</script><!--&-->");

        String json = EventJson.writeForScript(value);

        assertThat(json).isEqualTo("{\"k\\u003c/script\\u003e\":\"\\u003c/script\\u003e\\u003c!--\\u0026--\\u003e\"}");
        assertThat(Json.createReader(new StringReader(json)).readObject()).isEqualTo(
                Json.createReader(new StringReader(EventJson.write(value))).readObject());
        // event bodies keep the short form
        assertThat(EventJson.write("<&>")).isEqualTo("\"<&>\"");
    }

    @Test
    void charactersOutsideTheBmpAreWrittenAsThemselvesAndCountFourBytes() {
        String json = EventJson.write("\uD83D\uDE00");

        assertThat(json).isEqualTo("\"\uD83D\uDE00\"");
        assertThat(EventJson.utf8Length("\uD83D\uDE00")).isEqualTo(6);
    }

    @Test
    void aLoneSurrogateBecomesAReplacementCharacterSoStrictParsersAcceptTheBatch() {
        String json = EventJson.write("a\uD800b");

        assertThat(json).isEqualTo("\"a\uFFFDb\"");
        assertThat(EventJson.utf8Length("a\uD800b")).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void anyTextRoundTripsThroughARealParserWhereverItsSpecialCharactersStand() {
        char[] specials = {'"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001f', '\u007f', '\u0085', '\u00a0',
            '\u2028', '\u2029', '<', '>', '&', '\u00e9', '\u4e2d', '\uD83D', '\uDE00', '\uFFFF'};
        Random random = new Random(20261128);
        for (int n = 0; n < 5_000; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(30); i > 0; i--) {
                text.append(random.nextInt(3) == 0 ? specials[random.nextInt(specials.length)] : (char) ('a' + random.nextInt(26)));
            }
            String value = text.toString();
            String expected = withoutLoneSurrogates(value);
            for (String json : List.of(EventJson.write(Map.of("k", value)), EventJson.writeForScript(Map.of("k", value)))) {
                assertThat(Json.createReader(new StringReader(json)).readObject().getString("k")).as(json).isEqualTo(expected);
                assertThat(json).as("nothing a JSON or script parser could stumble on goes out as itself")
                        .doesNotContain("\n", "\r", "\u2028", "\u2029", "\u0000", "\u007f");
            }
            assertThat(EventJson.writeForScript(value)).doesNotContain("<", ">", "&");
        }
    }

    private static String withoutLoneSurrogates(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }

    @Test
    void mapsListsNumbersBooleansAndNullsRoundTripThroughARealParser() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("s", "t\u00e9xt \"q\" \n \u2028 \uD83D\uDE00");
        event.put("i", 42);
        event.put("l", 9_007_199_254_740_993L);
        event.put("d", 0.25);
        event.put("big", new BigDecimal("12.50"));
        event.put("b", true);
        event.put("n", null);
        event.put("list", List.of(1, "two", Map.of("three", 3)));
        event.put("array", new int[] {4, 5});
        event.put("uuid", UUID.fromString("00000000-0000-0000-0000-000000000001"));

        JsonObject parsed = Json.createReader(new StringReader(EventJson.write(event))).readObject();

        assertThat(parsed.getString("s")).isEqualTo("t\u00e9xt \"q\" \n \u2028 \uD83D\uDE00");
        assertThat(parsed.getInt("i")).isEqualTo(42);
        assertThat(parsed.getJsonNumber("l").longValueExact()).isEqualTo(9_007_199_254_740_993L);
        assertThat(parsed.getJsonNumber("d").doubleValue()).isEqualTo(0.25);
        assertThat(parsed.getJsonNumber("big").bigDecimalValue()).isEqualByComparingTo("12.5");
        assertThat(parsed.getBoolean("b")).isTrue();
        assertThat(parsed.isNull("n")).isTrue();
        assertThat(parsed.getJsonArray("list").getJsonObject(2).getInt("three")).isEqualTo(3);
        assertThat(parsed.getJsonArray("array").getInt(1)).isEqualTo(5);
        assertThat(parsed.getString("uuid")).isEqualTo("00000000-0000-0000-0000-000000000001");
    }

    @Test
    void nonFiniteNumbersBecomeNullBecauseJsonHasNoSpellingForThem() {
        assertThat(EventJson.write(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY, 1e-5, 1e21)))
                .isEqualTo("[null,null,1.0E-5,1.0E21]");
    }

    @Test
    void theMeasuredSizeIsTheUtf8SizeOfTheText() {
        Map<String, Object> event = Map.of("text", "h\u00e9llo \u20ac \uD83D\uDE00 \"x\"\n");

        assertThat(EventJson.utf8Length(event)).isEqualTo(EventJson.write(event).getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aCycleFailsClearlyInsteadOfOverflowingTheStack() {
        List<Object> list = new ArrayList<>();
        list.add(list);

        assertThatThrownBy(() -> EventJson.write(list)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cycle");
    }
}
