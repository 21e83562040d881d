package io.agnes.llm;

import java.time.Duration;
import java.util.Optional;

/**
 * Why an LLM call failed, one subclass per thing a user or an operator can act on.
 *
 * <p>{@link #getMessage()} is for logs (it carries the provider's own error text);
 * {@link #userMessage()} is a sentence safe to show a user. {@link #httpStatus()} is the provider's
 * HTTP status, 0 when no response arrived (timeout, connection failure, not configured).
 *
 * <p>Proposed mapping to Agnes's own HTTP responses:
 * <table>
 * <caption>LLM failure → API response</caption>
 * <tr><td>{@link NotConfigured}</td><td>503</td></tr>
 * <tr><td>{@link AuthenticationFailed}</td><td>502 ("the LLM provider rejected our credentials")</td></tr>
 * <tr><td>{@link RateLimited}</td><td>503 with {@code Retry-After} from {@link #retryAfter()} (else 30 s)</td></tr>
 * <tr><td>{@link TimedOut}</td><td>504</td></tr>
 * <tr><td>{@link Unavailable}</td><td>502 (503 with {@code Retry-After} when {@link #retryAfter()} is known)</td></tr>
 * <tr><td>{@link Unsupported}, {@link Rejected}, {@link InvalidOutput}</td><td>502</td></tr>
 * <tr><td>{@link Refused}</td><td>422 (the question itself was declined)</td></tr>
 * </table>
 */
public abstract sealed class LlmException extends RuntimeException
        permits LlmException.NotConfigured, LlmException.AuthenticationFailed, LlmException.RateLimited,
        LlmException.TimedOut, LlmException.Unavailable, LlmException.Unsupported, LlmException.Rejected,
        LlmException.Refused, LlmException.InvalidOutput {

    private final String provider;
    private final int httpStatus;
    private final String userMessage;
    private final Duration retryAfter;

    LlmException(String provider, int httpStatus, String userMessage, String detail, Duration retryAfter,
            Throwable cause) {
        super(detail, cause);
        this.provider = provider;
        this.httpStatus = httpStatus;
        this.userMessage = userMessage;
        this.retryAfter = retryAfter;
    }

    /** {@code anthropic}, {@code openai_compat}, or {@code null} when no provider was involved. */
    public String provider() {
        return provider;
    }

    /** The provider's HTTP status, or 0 when there was no HTTP response. */
    public int httpStatus() {
        return httpStatus;
    }

    /** A sentence to show the user; never contains prompts, keys or provider internals. */
    public String userMessage() {
        return userMessage;
    }

    /** How long the provider asked us to wait before trying again, when it said so. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Whether trying the same call again later may succeed (rate limit, timeout, server error). */
    public boolean retryable() {
        return false;
    }

    private static String status(int httpStatus) {
        return httpStatus > 0 ? " (HTTP " + httpStatus + ")" : "";
    }

    /** No provider is configured, or its client could not be created. */
    public static final class NotConfigured extends LlmException {
        public NotConfigured(String reason) {
            super(null, 0, "The AI assistant is not configured: " + reason + ". " + LlmSettings.HOW_TO_CONFIGURE,
                    "LLM not configured: " + reason, null, null);
        }
    }

    /** The provider rejected the API key (401) or its permissions (403). Not retried. */
    public static final class AuthenticationFailed extends LlmException {
        public AuthenticationFailed(String provider, int httpStatus, String detail) {
            super(provider, httpStatus, "The LLM provider rejected Agnes's credentials" + status(httpStatus)
                    + "; an administrator must check LLM_API_KEY.", detail, null, null);
        }
    }

    /** Too many requests (429). Retried after the provider's {@code retry-after}. */
    public static final class RateLimited extends LlmException {
        public RateLimited(String provider, int httpStatus, String detail, Duration retryAfter) {
            super(provider, httpStatus, "The LLM provider is limiting how often Agnes may ask it; try again "
                    + (retryAfter == null ? "in a minute." : "in " + Math.max(1, retryAfter.toSeconds()) + " seconds."),
                    detail, retryAfter, null);
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    /** No answer within {@code LLM_TIMEOUT_SECONDS} (or the provider answered 408). Retried. */
    public static final class TimedOut extends LlmException {
        public TimedOut(String provider, int httpStatus, String detail, Throwable cause) {
            super(provider, httpStatus, "The LLM did not answer in time; try again, perhaps with a simpler request.",
                    detail, null, cause);
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    /** The provider failed (5xx, Anthropic's 529 "overloaded") or could not be reached. Retried. */
    public static final class Unavailable extends LlmException {
        public Unavailable(String provider, int httpStatus, String detail, Duration retryAfter, Throwable cause) {
            super(provider, httpStatus, "The LLM provider is unavailable" + status(httpStatus) + "; try again later.",
                    detail, retryAfter, cause);
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    /** The provider does not support what was asked: the model, or a request feature. Not retried as is. */
    public static final class Unsupported extends LlmException {

        /** What the provider rejected. */
        public enum Feature {
            /** The model named by {@code LLM_MODEL} (or the API path under {@code LLM_BASE_URL}) does not exist. */
            MODEL,
            /** The {@code response_format} / {@code output_config} asking for JSON. */
            RESPONSE_FORMAT,
            /** {@code max_completion_tokens}, which older OpenAI-compatible servers do not know. */
            MAX_TOKENS_PARAMETER
        }

        private final Feature feature;
        private final boolean downgraded;

        public Unsupported(String provider, int httpStatus, String detail, Feature feature, boolean downgraded) {
            super(provider, httpStatus, feature == Feature.MODEL
                    ? "The configured LLM model was not found" + status(httpStatus)
                            + "; an administrator must check LLM_MODEL and LLM_BASE_URL."
                    : "The LLM server does not support a request Agnes needs" + status(httpStatus) + ".",
                    detail, null, null);
            this.feature = feature;
            this.downgraded = downgraded;
        }

        public Feature feature() {
            return feature;
        }

        /** Whether the provider switched to a fallback, so the same call can be tried again at once. */
        public boolean downgraded() {
            return downgraded;
        }
    }

    /** The provider rejected the request for another reason (400, 404, 413, 422...), e.g. a prompt too long. */
    public static final class Rejected extends LlmException {
        public Rejected(String provider, int httpStatus, String detail, String apiMessage) {
            super(provider, httpStatus, "The LLM provider rejected the request" + status(httpStatus)
                    + (apiMessage == null || apiMessage.isBlank() ? "." : ": " + apiMessage), detail, null, null);
        }
    }

    /** The model declined to answer (Anthropic {@code stop_reason: refusal}, OpenAI {@code message.refusal}). */
    public static final class Refused extends LlmException {
        public Refused(String provider, int httpStatus, String detail) {
            super(provider, httpStatus, "The AI model declined to answer this request.", detail, null, null);
        }
    }

    /** The model answered, but not with what was asked for (no JSON, wrong shape, cut off). */
    public static final class InvalidOutput extends LlmException {
        public InvalidOutput(String provider, int httpStatus, String userMessage, String detail) {
            super(provider, httpStatus, userMessage, detail, null, null);
        }

        /** An answer that is not the expected JSON. */
        public static InvalidOutput notJson(String provider, String detail) {
            return new InvalidOutput(provider, 200, "The AI model's answer could not be read; try again.", detail);
        }
    }
}
