package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AiGenerationPropertiesTest {

    private static AiGeneration.Builder anthropicCall() {
        return AiGeneration.builder("anthropic")
                .requestedModel("claude-sonnet-4-5")
                .responseModel("claude-sonnet-4-5-20250929")
                .traceId("trace-1")
                .spanId("span-2")
                .parentId("trace-1")
                .latencySeconds(1.25)
                .tokens(412L, 57L, 2048L, 1024L)
                .stopReason("end_turn")
                .httpStatus(200)
                .baseUrl("https://api.anthropic.com")
                .requestUrl("https://api.anthropic.com/v1/messages")
                .temperature(0.0)
                .maxTokens(4096)
                .systemPrompt("You write DuckDB SQL.")
                .messages(List.of(new AiGeneration.Message("user", "How many orders in May?")))
                .outputText("SELECT count(*) FROM orders WHERE month = 5");
    }

    @Test
    void aSuccessfulCallCarriesTokensLatencyAndTraceIdButNoPayloadsByDefault() {
        // original: success event with tokens, latency, trace id and no payloads
        Map<String, Object> props = AiGenerationProperties.of(anthropicCall().build(), false, 30_000);

        assertThat(props).containsExactly(
                entry("$ai_provider", "anthropic"),
                entry("$ai_model", "claude-sonnet-4-5-20250929"),
                entry("$ai_trace_id", "trace-1"),
                entry("$ai_span_id", "span-2"),
                entry("$ai_parent_id", "trace-1"),
                entry("$ai_latency", 1.25),
                entry("$ai_input_tokens", 412L),
                entry("$ai_output_tokens", 57L),
                entry("$ai_cache_read_input_tokens", 2048L),
                entry("$ai_cache_creation_input_tokens", 1024L),
                entry("$ai_cache_reporting_exclusive", true),
                entry("$ai_stop_reason", "end_turn"),
                entry("$ai_http_status", 200),
                entry("$ai_base_url", "https://api.anthropic.com"),
                entry("$ai_request_url", "https://api.anthropic.com/v1/messages"),
                entry("$ai_model_parameters", Map.of("temperature", 0.0, "max_tokens", 4096)),
                entry("$ai_temperature", 0.0),
                entry("$ai_max_tokens", 4096));
    }

    @Test
    void withPayloadsOffNoPromptOrAnswerTextIsAnywhereInTheEvent() {
        String json = EventJson.write(AiGenerationProperties.of(anthropicCall().build(), false, 30_000));

        assertThat(json).doesNotContain("\"$ai_input\"").doesNotContain("\"$ai_output_choices\"")
                .doesNotContain("DuckDB SQL").doesNotContain("orders in May").doesNotContain("SELECT");
    }

    @Test
    void thePayloadFlagAddsInputWithTheSystemPromptFirstAndOutputAsPostHogMessageArrays() {
        // original: payload flag adds input/output
        Map<String, Object> props = AiGenerationProperties.of(anthropicCall().build(), true, 30_000);

        assertThat(props.get("$ai_input")).isEqualTo(List.of(
                Map.of("role", "system", "content", "You write DuckDB SQL."),
                Map.of("role", "user", "content", "How many orders in May?")));
        assertThat(props.get("$ai_output_choices")).isEqualTo(List.of(Map.of("role", "assistant",
                "content", List.of(Map.of("type", "text", "text", "SELECT count(*) FROM orders WHERE month = 5")))));
    }

    @Test
    void anErrorCarriesIsErrorTheMessageAndTheHttpStatus() {
        // original: error variant with $ai_is_error and the message in $ai_error
        AiGeneration failed = anthropicCall().responseModel(null).tokens(null, null, null, null).stopReason(null)
                .outputText(null).httpStatus(529).error(new IllegalStateException("Overloaded")).build();

        Map<String, Object> props = AiGenerationProperties.of(failed, false, 30_000);

        assertThat(props).contains(entry("$ai_is_error", true), entry("$ai_error", "Overloaded"),
                entry("$ai_http_status", 529), entry("$ai_model", "claude-sonnet-4-5"))
                .doesNotContainKeys("$ai_input_tokens", "$ai_output_tokens", "$ai_stop_reason");
    }

    @Test
    void anErrorWithoutAnHttpResponseHasStatusZero() {
        AiGeneration timedOut = anthropicCall().httpStatus(null).outputText(null)
                .error(new java.net.http.HttpTimeoutException("request timed out")).build();

        Map<String, Object> props = AiGenerationProperties.of(timedOut, true, 30_000);

        assertThat(props).contains(entry("$ai_http_status", 0), entry("$ai_error", "request timed out"))
                .containsKey("$ai_input").doesNotContainKey("$ai_output_choices");
    }

    @Test
    void anErrorWithoutMessageNamesItsType() {
        Map<String, Object> props = AiGenerationProperties.of(anthropicCall().error(new NullPointerException()).build(), false, 100);

        assertThat(props).containsEntry("$ai_error", "java.lang.NullPointerException");
    }

    @Test
    void anOpenAiCompatibleProviderReportsCacheTokensInclusively() {
        Map<String, Object> props = AiGenerationProperties.of(AiGeneration.builder("openai_compat")
                .requestedModel("gpt-4.1").tokens(321L, 45L, 256L, null).build(), false, 30_000);

        assertThat(props).contains(entry("$ai_provider", "openai_compat"), entry("$ai_model", "gpt-4.1"),
                entry("$ai_cache_reporting_exclusive", false), entry("$ai_cache_read_input_tokens", 256L))
                .doesNotContainKeys("$ai_cache_creation_input_tokens", "$ai_http_status", "$ai_model_parameters");
    }

    @Test
    void eachPayloadTextIsCutAtTheCapWithTheExactMarkerAndTheJsonStaysValid() {
        AiGeneration call = anthropicCall().systemPrompt("s".repeat(500))
                .messages(List.of(new AiGeneration.Message("user", "q\"uote\n".repeat(100))))
                .outputText("\uD83D\uDE00".repeat(500)).build();

        Map<String, Object> props = AiGenerationProperties.of(call, true, 100);

        JsonArray input = Json.createReader(new StringReader(EventJson.write(props))).readObject().getJsonArray("$ai_input");
        assertThat(input.getJsonObject(0).getString("content")).isEqualTo("s".repeat(100) + "\u2026[truncated 400 chars]");
        assertThat(input.getJsonObject(1).getString("content")).isEqualTo("q\"uote\n".repeat(14) + "q\"\u2026[truncated 600 chars]");
        assertThat(EventJson.write(props.get("$ai_output_choices"))).contains("\u2026[truncated 400 chars]");
    }

    @Test
    void aFiftyThousandCharPromptStaysUnderThirtyTwoThousandCharsAtTheDefaultCap() {
        AiGeneration call = anthropicCall().messages(List.of(new AiGeneration.Message("user", "p".repeat(50_000)))).build();

        @SuppressWarnings("unchecked")
        var input = (List<Map<String, Object>>) AiGenerationProperties.of(call, true, 0).get("$ai_input");

        assertThat((String) input.get(1).get("content")).hasSizeLessThan(32_000).contains("\u2026[truncated 20000 chars]");
    }

    @Test
    void urlsLoseCredentialsQueryAndFragment() {
        AiGeneration call = anthropicCall().baseUrl("https://user:s3cret@llm.internal:8443/v1?api-key=abc#x")
                .requestUrl("https://llm.internal/v1/chat/completions?key=zzz").build();

        Map<String, Object> props = AiGenerationProperties.of(call, false, 100);

        assertThat(props).contains(entry("$ai_base_url", "https://llm.internal:8443/v1"),
                entry("$ai_request_url", "https://llm.internal/v1/chat/completions"));
    }

    @Test
    void traceIdsKeepOnlyTheCharactersPostHogAllows() {
        assertThat(AiGenerationProperties.sanitiseTraceId("ask:3f2a-9c (retry)!|@x~y.z'")).isEqualTo("ask:3f2a-9c(retry)!|@x~y.z'");
        assertThat(AiGenerationProperties.sanitiseTraceId("<>/\\ ")).isNull();
        assertThat(AiGenerationProperties.sanitiseTraceId("t".repeat(500))).hasSize(200);
    }
}
