package io.agnes.llm;

/**
 * How strictly the provider is asked for JSON, best first. An OpenAI-compatible server that rejects
 * one is asked with the next one from then on; with {@link #JSON_OBJECT} and {@link #TEXT} the schema
 * travels in the system prompt instead and the answer is parsed leniently.
 */
public enum ResponseFormat {
    /** The provider enforces the JSON schema (Anthropic {@code output_config.format}, OpenAI {@code json_schema}). */
    JSON_SCHEMA("json_schema"),
    /** The provider guarantees a JSON object, not its shape (OpenAI {@code json_object}). */
    JSON_OBJECT("json_object"),
    /** Plain text; JSON, if asked for, is extracted from the answer. */
    TEXT("text");

    private final String wireName;

    ResponseFormat(String wireName) {
        this.wireName = wireName;
    }

    /** The name the OpenAI API uses in {@code response_format.type}. */
    public String wireName() {
        return wireName;
    }

    /** The next weaker format, or {@code this} for {@link #TEXT}. */
    ResponseFormat weaker() {
        return this == TEXT ? TEXT : values()[ordinal() + 1];
    }
}
