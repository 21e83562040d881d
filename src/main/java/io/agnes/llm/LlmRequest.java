package io.agnes.llm;

import java.util.List;
import java.util.Objects;

/**
 * Everything one call attempt sends to the provider: the argument of {@link LlmCallAttempt#attempt}.
 *
 * <p>A plain record so that a tracer intercepting the attempt can read it without knowing either SDK.
 *
 * @param provider        {@code anthropic} or {@code openai_compat}; must be the configured provider
 * @param model           the model asked for
 * @param baseUrl         the provider API the call goes to (the configured {@code LLM_BASE_URL} or the provider default)
 * @param system          the system prompt, as sent (including the schema instructions of the weaker formats); may be empty
 * @param messages        the conversation, at least one message
 * @param maxTokens       the most tokens the model may generate
 * @param temperature     sampling temperature, or {@code null} to leave the provider's default (some models reject any other)
 * @param responseFormat  how the answer is constrained on the wire
 * @param schema          the JSON schema the answer must match, or {@code null} for a plain-text answer
 * @param traceId         groups the attempts (and the retries) of one feature call
 * @param attempt         1 for the first attempt, counting retries and format downgrades
 */
public record LlmRequest(
        String provider,
        String model,
        String baseUrl,
        String system,
        List<LlmMessage> messages,
        int maxTokens,
        Double temperature,
        ResponseFormat responseFormat,
        LlmSchema schema,
        String traceId,
        int attempt) {

    public LlmRequest {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(responseFormat, "responseFormat");
        system = system == null ? "" : system;
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("at least one message is required");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be at least 1: " + maxTokens);
        }
    }

    /** The endpoint the request is posted to (for traces: {@code $ai_request_url}). */
    public String requestUrl() {
        return baseUrl + (LlmSettings.Provider.ANTHROPIC.wireName().equals(provider) ? "/v1/messages"
                : "/chat/completions");
    }

    /** Whether the answer must be a JSON object (parsed into {@link LlmResponse#json()}). */
    public boolean expectsJson() {
        return schema != null || responseFormat != ResponseFormat.TEXT;
    }
}
