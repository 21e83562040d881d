package io.agnes.llm;

import java.util.Objects;

/** One turn of a conversation sent to the model: {@code role} is {@code user} or {@code assistant}. */
public record LlmMessage(String role, String content) {

    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    public LlmMessage {
        Objects.requireNonNull(content, "content");
        if (!USER.equals(role) && !ASSISTANT.equals(role)) {
            throw new IllegalArgumentException("role must be user or assistant, not " + role);
        }
    }

    public static LlmMessage user(String content) {
        return new LlmMessage(USER, content);
    }

    public static LlmMessage assistant(String content) {
        return new LlmMessage(ASSISTANT, content);
    }
}
