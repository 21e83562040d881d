package io.agnes.llm;

/**
 * Tokens one call consumed, as the provider reported them; {@code null} where it reported nothing.
 *
 * <p>The providers count differently: Anthropic's {@code inputTokens} EXCLUDE the cache tokens, an
 * OpenAI-compatible server's {@code prompt_tokens} INCLUDE its cached tokens (reported here as
 * {@code cacheReadInputTokens}). A cost calculation must know which provider answered.
 */
public record LlmUsage(Long inputTokens, Long outputTokens, Long cacheReadInputTokens, Long cacheCreationInputTokens) {

    public static final LlmUsage UNKNOWN = new LlmUsage(null, null, null, null);
}
