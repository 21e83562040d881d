package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesWhatTheServerSends() {
        Map<String, Object> value = Json.parseObject(" {\"a\": [1, -2.5e3, 12345678901234567890], \"b\": \"x\\n\\\"\\u00e9\\\\\", \"c\": null, \"d\": true} ");

        assertThat(value.keySet()).containsExactly("a", "b", "c", "d");
        assertThat(value.get("c")).isNull();
        assertThat(value.get("b")).isEqualTo("x\n\"é\\");
        assertThat(value.get("a")).isEqualTo(List.of(new BigDecimal("1"), new BigDecimal("-2.5e3"),
                new BigDecimal("12345678901234567890")));
    }

    @Test
    void malformedInputIsRejectedWithThePlace() {
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "tru", "\"open", "{} {}", "01x", "<html>")) {
            assertThatThrownBy(() -> Json.parse(bad)).as(bad).isInstanceOf(Json.MalformedJsonException.class);
        }
        assertThatThrownBy(() -> Json.parseObject("[]")).hasMessage("Expected a JSON object but got an array");
    }

    @Test
    void writesRequestBodiesThatParseBack() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sql", "SELECT 'a\"b', '\\' -- \n\t\u0001");
        body.put("limit", 10);
        body.put("list", Arrays.asList(1, null, false));

        String json = Json.write(body);

        assertThat(json).isEqualTo("{\"sql\":\"SELECT 'a\\\"b', '\\\\' -- \\n\\t\\u0001\",\"limit\":10,\"list\":[1,null,false]}");
        assertThat(Json.parseObject(json).get("sql")).isEqualTo(body.get("sql"));
    }
}
