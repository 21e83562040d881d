package io.agnes.observability;

import io.agnes.llm.LlmException;
import io.agnes.llm.LlmRequest;
import io.agnes.llm.LlmResponse;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One {@code $ai_generation} per LLM call attempt, for both providers: model, tokens, latency, stop reason,
 * trace/span ids, and — only with {@code POSTHOG_LLM_PAYLOADS} — the messages and the answer. The user who asked
 * (with the request's {@code $session_id}) or {@code system} for jobs. Tracing failures never touch the call.
 */
@LlmTraced
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class LlmTracingInterceptor {

    private static final Logger LOG = Logger.getLogger(LlmTracingInterceptor.class.getName());

    @Inject
    PostHog posthog;

    @Inject
    RequestEvents requestEvents;

    @AroundInvoke
    Object trace(InvocationContext context) throws Exception {
        Object[] parameters = context.getParameters();
        if (!posthog.enabled() || parameters == null || parameters.length == 0
                || !(parameters[0] instanceof LlmRequest request)) {
            return context.proceed();
        }
        long started = System.nanoTime();
        try {
            Object result = context.proceed();
            record(request, result instanceof LlmResponse response ? response : null, null, started);
            return result;
        } catch (Exception | Error e) {
            record(request, null, e, started);
            posthog.rememberLlmTrace(e, request.traceId());
            throw e;
        }
    }

    private void record(LlmRequest request, LlmResponse response, Throwable error, long started) {
        try {
            double latency = (System.nanoTime() - started) / 1e9;
            AiGeneration.Builder generation = AiGeneration.builder(request.provider())
                    .requestedModel(request.model())
                    .traceId(request.traceId())
                    .spanId(UUID.randomUUID().toString())
                    .parentId(request.traceId())
                    .latencySeconds(latency)
                    .baseUrl(request.baseUrl())
                    .requestUrl(request.requestUrl())
                    .temperature(request.temperature())
                    .maxTokens(request.maxTokens())
                    .systemPrompt(request.system())
                    .messages(request.messages().stream().map(m -> new AiGeneration.Message(m.role(), m.content())).toList());
            if (response != null) {
                generation.responseModel(response.model())
                        .stopReason(response.stopReason())
                        .httpStatus(response.httpStatus())
                        .outputText(response.content());
                if (response.usage() != null) {
                    generation.tokens(response.usage().inputTokens(), response.usage().outputTokens(),
                            response.usage().cacheReadInputTokens(), response.usage().cacheCreationInputTokens());
                }
            } else {
                generation.error(error).httpStatus(error instanceof LlmException llm ? llm.httpStatus() : 0);
            }
            RequestEvents.Origin origin = requestEvents.current();
            posthog.captureAiGeneration(generation.build(), origin.identity(), origin.properties());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not trace an LLM call for PostHog; the call is unaffected", e);
        }
    }
}
