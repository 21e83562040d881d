package io.agnes.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The two answer shapes the features use, and the strict-mode rules both providers impose on schemas. */
class AnswersTest {

    @Test
    void bothSchemasMeetTheStrictModeRules() {
        for (LlmSchema schema : List.of(SqlAnswer.SCHEMA, TableDescription.SCHEMA)) {
            JsonObject json = schema.schema();
            assertThat(json.getString("type")).isEqualTo("object");
            assertThat(json.get("additionalProperties")).isEqualTo(JsonValue.FALSE);
            Set<String> properties = json.getJsonObject("properties").keySet();
            assertThat(schema.requiredProperties()).containsExactlyInAnyOrderElementsOf(properties);
        }
    }

    @Test
    void readsASqlAnswer() {
        JsonObject json = LenientJson.parseObject("{\"sql\":\"SELECT 1\",\"explanation\":\"One.\"}");

        assertThat(SqlAnswer.from(json)).isEqualTo(new SqlAnswer("SELECT 1", "One."));
    }

    @Test
    void readsATableDescriptionDroppingBlankTags() {
        JsonObject json = LenientJson.parseObject("{\"description\":\"Orders.\",\"tags\":[\" sales \",\"\",\"orders\"]}");

        assertThat(TableDescription.from(json)).isEqualTo(new TableDescription("Orders.", List.of("sales", "orders")));
    }

    @Test
    void aWrongShapeIsInvalidOutputNamingTheProperty() {
        assertThatThrownBy(() -> SqlAnswer.from(LenientJson.parseObject("{\"sql\":42,\"explanation\":\"x\"}")))
                .isInstanceOf(LlmException.InvalidOutput.class).hasMessageContaining("\"sql\" is a number");
        assertThatThrownBy(() -> TableDescription.from(LenientJson.parseObject("{\"description\":\"d\"}")))
                .isInstanceOf(LlmException.InvalidOutput.class).hasMessageContaining("\"tags\" is missing");
        assertThatThrownBy(() -> TableDescription.from(LenientJson.parseObject("{\"description\":\"d\",\"tags\":[1]}")))
                .isInstanceOf(LlmException.InvalidOutput.class).hasMessageContaining("array of strings");
    }

    @Test
    void schemaNamesFollowOpenAisRules() {
        assertThatThrownBy(() -> new LlmSchema("has space", SqlAnswer.SCHEMA.schema()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Set.of(SqlAnswer.SCHEMA.name(), TableDescription.SCHEMA.name()).stream().collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("sql_answer", "table_description");
    }
}
