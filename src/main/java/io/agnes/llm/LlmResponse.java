package io.agnes.llm;

import jakarta.json.JsonObject;

/**
 * What one successful call attempt returned: the result of {@link LlmCallAttempt#attempt}.
 *
 * @param provider    {@code anthropic} or {@code openai_compat}
 * @param model       the model that answered, as the provider reported it (may name a dated snapshot)
 * @param id          the provider's id of the answer, for support requests; may be {@code null}
 * @param usage       tokens consumed
 * @param stopReason  why the model stopped, in the provider's words ({@code end_turn}, {@code stop}, ...); may be {@code null}
 * @param content     the answer text
 * @param httpStatus  the HTTP status of the provider's response (200)
 * @param json        the answer parsed as a JSON object when the request expected JSON, else {@code null}
 */
public record LlmResponse(
        String provider,
        String model,
        String id,
        LlmUsage usage,
        String stopReason,
        String content,
        int httpStatus,
        JsonObject json) {
}
