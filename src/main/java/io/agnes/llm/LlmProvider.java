package io.agnes.llm;

/**
 * One LLM API behind its official SDK: the seam between Agnes and Anthropic or an OpenAI-compatible server.
 *
 * <p>{@link #call} makes exactly one HTTP request (the SDKs' own retries are off) and maps every failure
 * to an {@link LlmException}; retrying is {@link LlmClient}'s job.
 */
interface LlmProvider extends AutoCloseable {

    /** {@code anthropic} or {@code openai_compat}. */
    String name();

    /** The strongest JSON format this provider's server has not rejected so far. */
    ResponseFormat responseFormat();

    LlmResponse call(LlmRequest request);

    /** Releases the HTTP client's connection pool and threads. */
    @Override
    void close();
}
