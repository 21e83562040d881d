package io.agnes.llm;

import jakarta.json.JsonObject;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/** What both providers do alike when turning an HTTP outcome into an {@link LlmResponse} or {@link LlmException}. */
final class ProviderSupport {

    private static final int MAX_DETAIL_CHARS = 500;

    /**
     * For the SDKs' {@code streamHandlerExecutor} (and Anthropic's {@code completionExecutor}): runs the task on the
     * calling thread. Without one, each SDK makes a thread pool wrapped in its {@code PhantomReachableExecutorService},
     * whose clean-up action refers to the wrapper itself: the wrapper never becomes phantom reachable, so the SDK's
     * {@link java.lang.ref.Cleaner} keeps it, its classes and this application's class loader for as long as the server
     * runs — one whole version of Agnes per redeploy (found by a heap dump after redeploys). Agnes makes blocking calls
     * and streams nothing, so nothing runs on it in practice. Not an {@code ExecutorService}: the SDKs would wrap
     * that the same way.
     */
    static final Executor CALLING_THREAD = Runnable::run;

    private ProviderSupport() {
    }

    /** The typed error for an HTTP error status the provider-specific checks did not claim. */
    static LlmException errorFor(String provider, int status, String apiMessage, Optional<Duration> retryAfter) {
        String detail = provider + " answered HTTP " + status + ": " + shorten(apiMessage);
        return switch (status) {
            case 401, 403 -> new LlmException.AuthenticationFailed(provider, status, detail);
            case 429 -> new LlmException.RateLimited(provider, status, detail, retryAfter.orElse(null));
            case 408 -> new LlmException.TimedOut(provider, status, detail, null);
            case 404 -> new LlmException.Unsupported(provider, status, detail, LlmException.Unsupported.Feature.MODEL,
                    false);
            default -> status >= 500
                    ? new LlmException.Unavailable(provider, status, detail, retryAfter.orElse(null), null)
                    : new LlmException.Rejected(provider, status, detail, shorten(apiMessage));
        };
    }

    /** The typed error for a call that got no HTTP response: a timeout, or the server could not be reached. */
    static LlmException transportError(String provider, String baseUrl, Duration timeout, Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            // OkHttp reports its call, read and write timeouts as InterruptedIOException (SocketTimeoutException)
            if (cause instanceof InterruptedIOException) {
                return new LlmException.TimedOut(provider, 0, provider + " gave no answer within " + timeout.toMillis()
                        + " ms (LLM_TIMEOUT_SECONDS)", e);
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return new LlmException.Unavailable(provider, 0, provider + " could not be reached at " + baseUrl + ": "
                + root, null, e);
    }

    /**
     * The answer parsed as the JSON object the request asked for, or {@code null} when it asked for text.
     *
     * @param cutOff whether the model stopped because it ran out of tokens (the JSON is then likely incomplete)
     */
    static JsonObject json(LlmRequest request, String provider, String content, boolean cutOff) {
        if (!request.expectsJson()) {
            return null;
        }
        JsonObject json;
        try {
            json = LenientJson.parseObject(content);
        } catch (IllegalArgumentException e) {
            if (cutOff) {
                throw new LlmException.InvalidOutput(provider, 200, "The AI model's answer was cut off at "
                        + request.maxTokens() + " tokens; an administrator can raise LLM_MAX_TOKENS.",
                        provider + " stopped at max_tokens=" + request.maxTokens() + ": " + e.getMessage());
            }
            // the answer itself stays out of the message: messages reach logs and error trackers, answers may hold data
            throw LlmException.InvalidOutput.notJson(provider, provider + " answered no usable JSON: "
                    + e.getMessage());
        }
        if (request.schema() != null) {
            List<String> missing = request.schema().requiredProperties().stream()
                    .filter(name -> !json.containsKey(name)).toList();
            if (!missing.isEmpty()) {
                throw LlmException.InvalidOutput.notJson(provider, provider + " answered JSON without " + missing);
            }
        }
        return json;
    }

    /** Provider error texts and model answers end up in logs: keep them to a readable length. */
    static String shorten(String text) {
        if (text == null) {
            return "";
        }
        return text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS) + "…";
    }
}
