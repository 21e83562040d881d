package io.agnes.llm;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Objects;

/**
 * A JSON schema the model's answer must match, with the short name the OpenAI API requires
 * ({@code [a-zA-Z0-9_-]}, at most 64 characters).
 *
 * <p>Both providers' strict modes want every property listed in {@code required} and
 * {@code additionalProperties: false}; the schemas in this package follow that.
 */
public record LlmSchema(String name, JsonObject schema) {

    public LlmSchema {
        Objects.requireNonNull(schema, "schema");
        if (name == null || !name.matches("[a-zA-Z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("schema name must match [a-zA-Z0-9_-]{1,64}: " + name);
        }
    }

    /** The top-level properties the schema requires. */
    public List<String> requiredProperties() {
        JsonValue required = schema.get("required");
        if (required == null || required.getValueType() != JsonValue.ValueType.ARRAY) {
            return List.of();
        }
        return required.asJsonArray().stream()
                .filter(JsonString.class::isInstance)
                .map(v -> ((JsonString) v).getString())
                .toList();
    }
}
