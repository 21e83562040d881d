package io.agnes.observability;

import java.util.List;
import java.util.Objects;

/**
 * What one LLM call attempt did, as a tracer saw it: the input of {@link AiGenerationProperties}. Every field
 * but {@code provider} may be {@code null} when unknown. Build it with {@link #builder}: twenty positional
 * arguments invite mistakes.
 *
 * @param provider                  {@code anthropic} or {@code openai_compat}
 * @param requestedModel            the model asked for
 * @param responseModel             the model that answered (often a dated snapshot), {@code null} on error
 * @param traceId                   shared by every attempt of one question or job
 * @param spanId                    this attempt
 * @param parentId                  the span this attempt belongs to, or the trace id
 * @param latencySeconds            wall time of the attempt in seconds
 * @param inputTokens               as the provider reported them
 * @param outputTokens              as the provider reported them
 * @param cacheReadInputTokens      as the provider reported them
 * @param cacheCreationInputTokens  as the provider reported them
 * @param stopReason                the provider's words ({@code end_turn}, {@code stop}, …)
 * @param httpStatus                the provider's HTTP status; on error the failed response's status, {@code null}/0 when none arrived
 * @param baseUrl                   the provider API base
 * @param requestUrl                the endpoint posted to
 * @param temperature               the sampling temperature sent, {@code null} when left to the provider
 * @param maxTokens                 the generation limit sent
 * @param systemPrompt              the system prompt sent (payload)
 * @param messages                  the conversation sent (payload)
 * @param outputText                the answer's text (payload), {@code null} on error
 * @param error                     the failure of the attempt, {@code null} on success
 */
public record AiGeneration(
        String provider,
        String requestedModel,
        String responseModel,
        String traceId,
        String spanId,
        String parentId,
        Double latencySeconds,
        Long inputTokens,
        Long outputTokens,
        Long cacheReadInputTokens,
        Long cacheCreationInputTokens,
        String stopReason,
        Integer httpStatus,
        String baseUrl,
        String requestUrl,
        Double temperature,
        Integer maxTokens,
        String systemPrompt,
        List<Message> messages,
        String outputText,
        Throwable error) {

    /** One message of the conversation sent: {@code role} as the provider knows it ({@code user}, {@code assistant}). */
    public record Message(String role, String content) {
    }

    public AiGeneration {
        Objects.requireNonNull(provider, "provider");
        messages = messages == null ? List.of() : List.copyOf(messages);
    }

    public static Builder builder(String provider) {
        return new Builder(provider);
    }

    /** Named setters for {@link AiGeneration}; unset fields stay {@code null}. */
    public static final class Builder {
        private final String provider;
        private String requestedModel;
        private String responseModel;
        private String traceId;
        private String spanId;
        private String parentId;
        private Double latencySeconds;
        private Long inputTokens;
        private Long outputTokens;
        private Long cacheReadInputTokens;
        private Long cacheCreationInputTokens;
        private String stopReason;
        private Integer httpStatus;
        private String baseUrl;
        private String requestUrl;
        private Double temperature;
        private Integer maxTokens;
        private String systemPrompt;
        private List<Message> messages;
        private String outputText;
        private Throwable error;

        private Builder(String provider) {
            this.provider = provider;
        }

        public Builder requestedModel(String value) {
            requestedModel = value;
            return this;
        }

        public Builder responseModel(String value) {
            responseModel = value;
            return this;
        }

        public Builder traceId(String value) {
            traceId = value;
            return this;
        }

        public Builder spanId(String value) {
            spanId = value;
            return this;
        }

        public Builder parentId(String value) {
            parentId = value;
            return this;
        }

        public Builder latencySeconds(Double value) {
            latencySeconds = value;
            return this;
        }

        /** Tokens as reported: input, output, cache read, cache creation; any may be {@code null}. */
        public Builder tokens(Long input, Long output, Long cacheRead, Long cacheCreation) {
            inputTokens = input;
            outputTokens = output;
            cacheReadInputTokens = cacheRead;
            cacheCreationInputTokens = cacheCreation;
            return this;
        }

        public Builder stopReason(String value) {
            stopReason = value;
            return this;
        }

        public Builder httpStatus(Integer value) {
            httpStatus = value;
            return this;
        }

        public Builder baseUrl(String value) {
            baseUrl = value;
            return this;
        }

        public Builder requestUrl(String value) {
            requestUrl = value;
            return this;
        }

        public Builder temperature(Double value) {
            temperature = value;
            return this;
        }

        public Builder maxTokens(Integer value) {
            maxTokens = value;
            return this;
        }

        public Builder systemPrompt(String value) {
            systemPrompt = value;
            return this;
        }

        public Builder messages(List<Message> value) {
            messages = value;
            return this;
        }

        public Builder outputText(String value) {
            outputText = value;
            return this;
        }

        public Builder error(Throwable value) {
            error = value;
            return this;
        }

        public AiGeneration build() {
            return new AiGeneration(provider, requestedModel, responseModel, traceId, spanId, parentId, latencySeconds,
                    inputTokens, outputTokens, cacheReadInputTokens, cacheCreationInputTokens, stopReason, httpStatus,
                    baseUrl, requestUrl, temperature, maxTokens, systemPrompt, messages, outputText, error);
        }
    }
}
