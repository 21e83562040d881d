package io.agnes.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties of a {@code $ai_generation} event (PostHog LLM analytics), one per provider call attempt.
 *
 * <p>Metadata always: {@code $ai_provider}, {@code $ai_model} (the response's model when known, else the
 * requested one), {@code $ai_trace_id}, {@code $ai_span_id}, {@code $ai_parent_id}, {@code $ai_latency}
 * (seconds), the four token counts, {@code $ai_cache_reporting_exclusive} (Anthropic's input tokens exclude
 * cache tokens, an OpenAI-compatible server's include them: PostHog's cost needs to know),
 * {@code $ai_stop_reason}, {@code $ai_http_status}, {@code $ai_base_url}, {@code $ai_request_url} (both
 * without credentials, query or fragment), {@code $ai_model_parameters} and its {@code $ai_temperature} /
 * {@code $ai_max_tokens}. Error variant: {@code $ai_is_error: true}, {@code $ai_error} (the exception's
 * message, capped), {@code $ai_http_status} the failed response's status or 0. Unknown values are left out.
 *
 * <p>Prompts and answers ONLY when the operator opted in ({@code POSTHOG_LLM_PAYLOADS}): {@code $ai_input}
 * = {@code [{role, content}]} with the system prompt first, {@code $ai_output_choices} =
 * {@code [{role: assistant, content: [{type: text, text}]}]}; each text cut at the configured maximum with
 * the original's marker (see {@link PayloadTruncation}). Strings are cut, not serialized JSON, so the event
 * stays valid JSON.
 */
public final class AiGenerationProperties {

    /** {@code $ai_error} is the provider's error text, which can be long (and echo input): capped. */
    static final int MAX_ERROR_CHARS = 4_096;
    static final int MAX_ID_CHARS = 200;

    private AiGenerationProperties() {
    }

    /**
     * The event properties of {@code call}.
     *
     * @param includePayloads  {@code POSTHOG_LLM_PAYLOADS}: whether prompts and answers are sent at all
     * @param maxChars         {@code POSTHOG_LLM_PAYLOAD_MAX_CHARS}; 0 or less means {@link PayloadTruncation#DEFAULT_MAX_CHARS}
     */
    public static Map<String, Object> of(AiGeneration call, boolean includePayloads, int maxChars) {
        int cap = maxChars > 0 ? maxChars : PayloadTruncation.DEFAULT_MAX_CHARS;
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("$ai_provider", call.provider());
        putIfPresent(props, "$ai_model", firstPresent(call.responseModel(), call.requestedModel()));
        putIfPresent(props, "$ai_trace_id", sanitiseTraceId(call.traceId()));
        putIfPresent(props, "$ai_span_id", sanitiseTraceId(call.spanId()));
        putIfPresent(props, "$ai_parent_id", sanitiseTraceId(call.parentId()));
        if (call.latencySeconds() != null && Double.isFinite(call.latencySeconds())) {
            props.put("$ai_latency", call.latencySeconds());
        }
        putIfPresent(props, "$ai_input_tokens", call.inputTokens());
        putIfPresent(props, "$ai_output_tokens", call.outputTokens());
        putIfPresent(props, "$ai_cache_read_input_tokens", call.cacheReadInputTokens());
        putIfPresent(props, "$ai_cache_creation_input_tokens", call.cacheCreationInputTokens());
        switch (call.provider()) {
            case "anthropic" -> props.put("$ai_cache_reporting_exclusive", true);
            case "openai_compat", "openai" -> props.put("$ai_cache_reporting_exclusive", false);
            default -> {
                // unknown provider: leave PostHog's own default rather than guess
            }
        }
        putIfPresent(props, "$ai_stop_reason", call.stopReason());
        boolean failed = call.error() != null;
        int status = call.httpStatus() == null || call.httpStatus() < 0 ? 0 : call.httpStatus();
        if (failed || call.httpStatus() != null) {
            props.put("$ai_http_status", status);
        }
        putIfPresent(props, "$ai_base_url", withoutSecrets(call.baseUrl()));
        putIfPresent(props, "$ai_request_url", withoutSecrets(call.requestUrl()));
        Map<String, Object> parameters = new LinkedHashMap<>();
        putIfPresent(parameters, "temperature", call.temperature());
        putIfPresent(parameters, "max_tokens", call.maxTokens());
        if (!parameters.isEmpty()) {
            props.put("$ai_model_parameters", parameters);
        }
        putIfPresent(props, "$ai_temperature", call.temperature());
        putIfPresent(props, "$ai_max_tokens", call.maxTokens());
        if (failed) {
            props.put("$ai_is_error", true);
            props.put("$ai_error", PayloadTruncation.truncate(errorText(call.error()), MAX_ERROR_CHARS));
        }
        if (includePayloads) {
            props.put("$ai_input", input(call, cap));
            if (call.outputText() != null) {
                props.put("$ai_output_choices", outputChoices(call.outputText(), cap));
            }
        }
        return props;
    }

    private static List<Map<String, Object>> input(AiGeneration call, int cap) {
        List<Map<String, Object>> input = new ArrayList<>(call.messages().size() + 1);
        if (call.systemPrompt() != null && !call.systemPrompt().isEmpty()) {
            input.add(message("system", PayloadTruncation.truncate(call.systemPrompt(), cap)));
        }
        for (AiGeneration.Message m : call.messages()) {
            input.add(message(m.role(), PayloadTruncation.truncate(m.content() == null ? "" : m.content(), cap)));
        }
        return input;
    }

    private static List<Map<String, Object>> outputChoices(String text, int cap) {
        Map<String, Object> block = new LinkedHashMap<>();
        block.put("type", "text");
        block.put("text", PayloadTruncation.truncate(text, cap));
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("role", "assistant");
        choice.put("content", List.of(block));
        return List.of(choice);
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    private static String errorText(Throwable error) {
        String message;
        try {
            message = error.getMessage();
        } catch (RuntimeException e) {
            message = null;
        }
        return message == null || message.isBlank() ? error.getClass().getName() : message;
    }

    /**
     * An id in the characters PostHog allows in {@code $ai_trace_id} (letters, digits, {@code -_~.@()!':|}),
     * others dropped, at most {@value #MAX_ID_CHARS}; {@code null} when nothing is left. Exceptions raised
     * during an LLM call go through the same function, so both events carry the same id.
     */
    public static String sanitiseTraceId(String raw) {
        if (raw == null) {
            return null;
        }
        StringBuilder kept = new StringBuilder(Math.min(raw.length(), MAX_ID_CHARS));
        for (int i = 0; i < raw.length() && kept.length() < MAX_ID_CHARS; i++) {
            char c = raw.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_~.@()!':|".indexOf(c) >= 0) {
                kept.append(c);
            }
        }
        return kept.isEmpty() ? null : kept.toString();
    }

    /** {@code url} without user info, query and fragment: a base URL may carry a key in any of them. */
    static String withoutSecrets(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        String clean = url.strip();
        int cut = clean.length();
        for (int i = 0; i < clean.length(); i++) {
            char c = clean.charAt(i);
            if (c == '?' || c == '#') {
                cut = i;
                break;
            }
        }
        clean = clean.substring(0, cut);
        int schemeEnd = clean.indexOf("://");
        int authorityStart = schemeEnd < 0 ? 0 : schemeEnd + 3;
        int authorityEnd = clean.indexOf('/', authorityStart);
        if (authorityEnd < 0) {
            authorityEnd = clean.length();
        }
        int at = clean.lastIndexOf('@', authorityEnd - 1);
        if (at >= authorityStart) {
            clean = clean.substring(0, authorityStart) + clean.substring(at + 1);
        }
        return HeaderValues.sanitise(clean, 2000);
    }

    private static String firstPresent(String a, String b) {
        return a != null && !a.isBlank() ? a : (b != null && !b.isBlank() ? b : null);
    }

    private static void putIfPresent(Map<String, Object> props, String key, Object value) {
        if (value != null) {
            props.put(key, value);
        }
    }
}
