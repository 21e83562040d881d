package io.agnes.llm;

import io.agnes.web.ErrorResponses;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * How an LLM failure reaches an API caller: not as Agnes' own 500, but with a status that says whose problem
 * it is and the exception's user message: not configured / rate limited → 503 (with Retry-After), timed out
 * → 504, refused → 422, anything else the provider did → 502.
 */
public final class LlmErrorResponses {

    /** What to tell a rate-limited caller when the provider named no wait. */
    static final long DEFAULT_RETRY_AFTER_SECONDS = 30;

    private LlmErrorResponses() {
    }

    public static Response of(LlmException e) {
        int status = switch (e) {
            case LlmException.NotConfigured n -> 503;
            case LlmException.RateLimited r -> 503;
            case LlmException.TimedOut t -> 504;
            case LlmException.Refused r -> 422;
            default -> 502;
        };
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponses.json(e.userMessage()));
        if (e.retryAfter().isPresent()) {
            response.header("Retry-After", Math.max(1, e.retryAfter().get().toSeconds()));
        } else if (e instanceof LlmException.RateLimited) {
            response.header("Retry-After", DEFAULT_RETRY_AFTER_SECONDS);
        }
        return response.build();
    }
}
