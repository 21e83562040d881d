package io.agnes.llm;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * The answer to "ask a question": a SQL query and a short explanation for the user.
 *
 * <p>{@code SqlAnswer.from(llm.structured(system, question, SqlAnswer.SCHEMA, traceId))}
 */
public record SqlAnswer(String sql, String explanation) {

    public static final LlmSchema SCHEMA = new LlmSchema("sql_answer", Json.createObjectBuilder()
            .add("type", "object")
            .add("properties", Json.createObjectBuilder()
                    .add("sql", Json.createObjectBuilder()
                            .add("type", "string")
                            .add("description", "One SQL query answering the question; empty when it cannot be "
                                    + "answered from the tables described."))
                    .add("explanation", Json.createObjectBuilder()
                            .add("type", "string")
                            .add("description", "What the query does, or why the question cannot be answered, "
                                    + "in one to three sentences for the user.")))
            .add("required", Json.createArrayBuilder().add("sql").add("explanation"))
            .add("additionalProperties", false)
            .build());

    /** @throws LlmException.InvalidOutput when {@code json} is not shaped like {@link #SCHEMA} */
    public static SqlAnswer from(JsonObject json) {
        return new SqlAnswer(Answers.string(json, "sql"), Answers.string(json, "explanation"));
    }
}
