package io.agnes.llm;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;

/**
 * What catalog enrichment asks the LLM for a table: a description and a few tags.
 *
 * <p>{@code TableDescription.from(llm.structured(system, tableSummary, TableDescription.SCHEMA, traceId))}
 */
public record TableDescription(String description, List<String> tags) {

    public TableDescription {
        tags = List.copyOf(tags);
    }

    public static final LlmSchema SCHEMA = new LlmSchema("table_description", Json.createObjectBuilder()
            .add("type", "object")
            .add("properties", Json.createObjectBuilder()
                    .add("description", Json.createObjectBuilder()
                            .add("type", "string")
                            .add("description", "What the table holds and what one row is, in one to three "
                                    + "sentences for an analyst."))
                    .add("tags", Json.createObjectBuilder()
                            .add("type", "array")
                            .add("items", Json.createObjectBuilder().add("type", "string"))
                            .add("description", "Up to eight short lower-case topic tags, e.g. sales, customers.")))
            .add("required", Json.createArrayBuilder().add("description").add("tags"))
            .add("additionalProperties", false)
            .build());

    /** @throws LlmException.InvalidOutput when {@code json} is not shaped like {@link #SCHEMA} */
    public static TableDescription from(JsonObject json) {
        return new TableDescription(Answers.string(json, "description"), Answers.strings(json, "tags"));
    }
}
