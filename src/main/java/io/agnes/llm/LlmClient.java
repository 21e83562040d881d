package io.agnes.llm;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * What features call to ask the LLM something: one call, retried on rate limits, timeouts and server
 * errors with exponential backoff, answered with parsed JSON or a typed {@link LlmException}.
 *
 * <p>Usage: {@code SqlAnswer.from(llm.structured(system, question, SqlAnswer.SCHEMA, traceId))}. Check
 * {@link #configured()} first, or let {@link LlmException.NotConfigured} become a 503.
 *
 * <p>Every attempt goes through {@link LlmCallAttempt#attempt}, a method of ANOTHER bean: calling the
 * provider from here, or from inside {@code LlmCallAttempt}, would bypass the CDI interceptor that traces
 * each attempt.
 */
@ApplicationScoped
public class LlmClient {

    private static final Logger LOG = Logger.getLogger(LlmClient.class.getName());
    /** Each fallback of format or parameter is one step; there are at most three. */
    private static final int MAX_DOWNGRADES = 3;

    @Inject
    LlmCallAttempt callAttempt;

    /** Replaced by tests to keep them fast. */
    Backoff backoff = Backoff.DEFAULT;

    /** Whether a provider is configured; when not, every call throws {@link LlmException.NotConfigured}. */
    public boolean configured() {
        return callAttempt.llmSettings().configured();
    }

    /** The resolved configuration, e.g. to show which provider and model answer. */
    public LlmSettings settings() {
        return callAttempt.llmSettings();
    }

    /**
     * Asks for an answer matching {@code schema}.
     *
     * @param system  the instructions (the system prompt)
     * @param user    the user's message
     * @param schema  the JSON schema of the answer, e.g. {@link SqlAnswer#SCHEMA}
     * @param traceId groups this call's attempts in traces; {@code null} makes a new one
     * @return the answer, a JSON object that has every property the schema requires
     * @throws LlmException why no such answer could be had
     */
    public JsonObject structured(String system, String user, LlmSchema schema, String traceId) {
        return call(system, List.of(LlmMessage.user(user)), schema, null, traceId).json();
    }

    /**
     * The general form: a conversation, an optional schema (without one the answer is plain text in
     * {@link LlmResponse#content()}) and an optional temperature.
     *
     * @return the response of the attempt that succeeded
     */
    public LlmResponse call(String system, List<LlmMessage> messages, LlmSchema schema, Double temperature,
            String traceId) {
        LlmSettings settings = callAttempt.llmSettings();
        if (!settings.configured()) {
            throw new LlmException.NotConfigured(settings.notConfiguredReason());
        }
        String trace = traceId == null || traceId.isBlank() ? UUID.randomUUID().toString() : traceId;
        int retries = 0;
        int downgrades = 0;
        for (int attempt = 1;; attempt++) {
            ResponseFormat format = schema == null ? ResponseFormat.TEXT : callAttempt.responseFormat();
            LlmRequest request = new LlmRequest(settings.providerName(), settings.model(), settings.baseUrl(),
                    systemPrompt(system, schema, format), messages, settings.maxTokens(), temperature, format, schema,
                    trace, attempt);
            try {
                return callAttempt.attempt(request);
            } catch (LlmException.Unsupported e) {
                if (!e.downgraded() || ++downgrades > MAX_DOWNGRADES) {
                    throw e;
                }
                // the provider now uses a fallback the server accepts: no reason to wait
                LOG.fine(() -> "LLM attempt " + request.attempt() + " of trace " + trace + " is repeated with a "
                        + "fallback: " + e.getMessage());
            } catch (LlmException e) {
                if (!e.retryable() || retries >= settings.maxRetries()) {
                    if (e.retryable()) {
                        LOG.warning(() -> "LLM call of trace " + trace + " failed after " + request.attempt()
                                + " attempts: " + e.getMessage());
                    }
                    throw e;
                }
                retries++;
                Optional<Duration> delay = backoff.delay(retries, e.retryAfter());
                if (delay.isEmpty()) {
                    // the provider wants a longer pause than we make a user wait: its Retry-After goes back up
                    throw e;
                }
                LOG.info(() -> "LLM attempt " + request.attempt() + " of trace " + trace + " failed (" + e.getMessage()
                        + "); retrying in " + delay.get().toMillis() + " ms");
                try {
                    Thread.sleep(delay.get());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * The system prompt as sent: unchanged when the provider enforces the schema, else with the schema
     * spelled out, since then only the prompt tells the model what shape to answer in.
     */
    static String systemPrompt(String system, LlmSchema schema, ResponseFormat format) {
        String base = system == null ? "" : system.strip();
        if (schema == null || format == ResponseFormat.JSON_SCHEMA) {
            return base;
        }
        // "JSON" must appear in the messages for OpenAI's json_object mode to be accepted
        String instructions = "Answer with a single JSON object and nothing else (no prose, no code fences). "
                + "It must match this JSON schema:\n" + schema.schema();
        return base.isEmpty() ? instructions : base + "\n\n" + instructions;
    }
}
