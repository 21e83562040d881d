package io.agnes.llm;

import io.agnes.testing.FakeLlmServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Anthropic provider driven through the real anthropic-java SDK against a fake Messages API. */
class AnthropicProviderTest {

    private static final String ANSWER = "{\"sql\":\"SELECT count(*) FROM orders\",\"explanation\":\"Counts the orders.\"}";

    private FakeLlmServer server;
    private AttemptProbe probe;
    private LlmClient llm;

    @BeforeEach
    void start() throws Exception {
        server = new FakeLlmServer();
        probe = new AttemptProbe();
        llm = probe.client(settings(Duration.ofSeconds(5), 2));
    }

    private LlmSettings settings(Duration timeout, int maxRetries) {
        return LlmSettings.of(LlmSettings.Provider.ANTHROPIC, AnthropicWire.MODEL, "sk-ant-test-key", server.url(),
                timeout, maxRetries, 700);
    }

    @AfterEach
    void stop() {
        probe.close();
        server.close();
    }

    @Test
    void answersWithTheSchemaShapedJsonAndSendsTheSchemaAsOutputFormat() {
        server.reply(AnthropicWire.message(ANSWER, "end_turn"));

        SqlAnswer answer = SqlAnswer.from(llm.structured("You write DuckDB SQL.", "How many orders?", SqlAnswer.SCHEMA,
                "trace-1"));

        assertThat(answer).isEqualTo(new SqlAnswer("SELECT count(*) FROM orders", "Counts the orders."));
        FakeLlmServer.Received sent = server.received().get(0);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/v1/messages");
        // anthropic-java 3.14 sends the API key as a Bearer token, not as x-api-key
        assertThat(sent.header("authorization")).isEqualTo("Bearer sk-ant-test-key");
        assertThat(sent.header("anthropic-version")).isNotBlank();
        JsonObject body = sent.json();
        assertThat(body.getString("model")).isEqualTo(AnthropicWire.MODEL);
        assertThat(body.getInt("max_tokens")).isEqualTo(700);
        assertThat(body.getString("system")).isEqualTo("You write DuckDB SQL.");
        assertThat(body.getJsonArray("messages").getJsonObject(0).getString("role")).isEqualTo("user");
        assertThat(body.getJsonArray("messages").getJsonObject(0).toString()).contains("How many orders?");
        JsonObject format = body.getJsonObject("output_config").getJsonObject("format");
        assertThat(format.getString("type")).isEqualTo("json_schema");
        assertThat(format.getJsonObject("schema")).isEqualTo(SqlAnswer.SCHEMA.schema());
        assertThat(body.containsKey("tools")).isFalse();
        assertThat(body.containsKey("temperature")).isFalse();
    }

    @Test
    void theAttemptSeesPlainRecordsATracerCanReport() {
        server.reply(AnthropicWire.message(ANSWER, "end_turn"));

        llm.structured("You write SQL.", "How many orders?", SqlAnswer.SCHEMA, "trace-42");

        LlmRequest request = probe.requests.get(0);
        assertThat(request.provider()).isEqualTo("anthropic");
        assertThat(request.model()).isEqualTo(AnthropicWire.MODEL);
        assertThat(request.baseUrl()).isEqualTo(server.url());
        assertThat(request.requestUrl()).isEqualTo(server.url() + server.received().get(0).path());
        assertThat(request.system()).isEqualTo("You write SQL.");
        assertThat(request.messages()).containsExactly(LlmMessage.user("How many orders?"));
        assertThat(request.maxTokens()).isEqualTo(700);
        assertThat(request.temperature()).isNull();
        assertThat(request.responseFormat()).isEqualTo(ResponseFormat.JSON_SCHEMA);
        assertThat(request.schema()).isEqualTo(SqlAnswer.SCHEMA);
        assertThat(request.traceId()).isEqualTo("trace-42");
        assertThat(request.attempt()).isEqualTo(1);
        LlmResponse response = (LlmResponse) probe.outcomes.get(0);
        assertThat(response.provider()).isEqualTo("anthropic");
        assertThat(response.model()).isEqualTo(AnthropicWire.SNAPSHOT);
        assertThat(response.id()).isEqualTo("msg_01XFDUDYJgAACzvnptvVoYEL");
        assertThat(response.usage()).isEqualTo(new LlmUsage(412L, 57L, 2048L, 1024L));
        assertThat(response.stopReason()).isEqualTo("end_turn");
        assertThat(response.content()).isEqualTo(ANSWER);
        assertThat(response.httpStatus()).isEqualTo(200);
        assertThat(response.json().getString("sql")).isEqualTo("SELECT count(*) FROM orders");
    }

    @Test
    void rateLimitedWaitsForRetryAfterThenSucceeds() {
        server.reply(AnthropicWire.error(429, "rate_limit_error", "Number of request tokens has exceeded your "
                        + "per-minute rate limit").withHeader("retry-after", "0.3"),
                AnthropicWire.message(ANSWER, "end_turn"));

        JsonObject answer = llm.structured("s", "How many orders?", SqlAnswer.SCHEMA, "trace-rl");

        assertThat(answer.getString("sql")).isEqualTo("SELECT count(*) FROM orders");
        assertThat(server.received()).hasSize(2);
        long waitedNanos = server.received().get(1).arrivedNanos() - server.received().get(0).arrivedNanos();
        assertThat(Duration.ofNanos(waitedNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(probe.requests).extracting(LlmRequest::attempt).containsExactly(1, 2);
        assertThat(probe.requests).extracting(LlmRequest::traceId).containsOnly("trace-rl");
        LlmException first = (LlmException) probe.outcomes.get(0);
        assertThat(first).isInstanceOf(LlmException.RateLimited.class);
        assertThat(first.httpStatus()).isEqualTo(429);
    }

    @Test
    void aRetryAfterLongerThanTheCapFailsAtOnceAndPassesTheWaitOn() {
        server.reply(AnthropicWire.error(429, "rate_limit_error", "rate limited").withHeader("retry-after", "40"));

        LlmException.RateLimited e = catchThrowableOfType(LlmException.RateLimited.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.retryAfter()).contains(Duration.ofSeconds(40));
        assertThat(e.userMessage()).contains("40 seconds");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void overloadedAndServerErrorsAreRetriedUntilAnAnswerComes() {
        server.reply(AnthropicWire.error(529, "overloaded_error", "Overloaded"),
                AnthropicWire.error(500, "api_error", "Internal server error"),
                AnthropicWire.message(ANSWER, "end_turn"));

        SqlAnswer answer = SqlAnswer.from(llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(answer.sql()).isEqualTo("SELECT count(*) FROM orders");
        assertThat(server.received()).hasSize(3);
        assertThat(probe.outcomes).extracting(o -> o instanceof LlmException e ? e.httpStatus() : 200)
                .containsExactly(529, 500, 200);
    }

    @Test
    void persistentServerErrorsEndInAnUnavailableErrorAfterTheLastRetry() {
        server.replyAlways(request -> AnthropicWire.error(503, "api_error", "Service unavailable"));

        LlmException.Unavailable e = catchThrowableOfType(LlmException.Unavailable.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.httpStatus()).isEqualTo(503);
        assertThat(e.provider()).isEqualTo("anthropic");
        assertThat(e.userMessage()).contains("unavailable");
        assertThat(server.received()).hasSize(3); // the first attempt and LLM_MAX_RETRIES=2 retries
    }

    @Test
    void aRejectedKeyIsNotRetried() {
        server.replyAlways(request -> AnthropicWire.error(401, "authentication_error", "invalid x-api-key"));

        LlmException.AuthenticationFailed e = catchThrowableOfType(LlmException.AuthenticationFailed.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage()).contains("invalid x-api-key");
        assertThat(e.userMessage()).contains("LLM_API_KEY").doesNotContain("sk-ant-test-key");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aBadRequestIsNotRetriedAndSaysWhy() {
        server.replyAlways(request -> AnthropicWire.error(400, "invalid_request_error",
                "prompt is too long: 210000 tokens > 200000 maximum"));

        LlmException.Rejected e = catchThrowableOfType(LlmException.Rejected.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.userMessage()).contains("prompt is too long");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void anUnknownModelIsReportedAsUnsupported() {
        server.replyAlways(request -> AnthropicWire.error(404, "not_found_error", "model: claude-nonexistent"));

        LlmException.Unsupported e = catchThrowableOfType(LlmException.Unsupported.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.feature()).isEqualTo(LlmException.Unsupported.Feature.MODEL);
        assertThat(e.userMessage()).contains("LLM_MODEL");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aRefusalIsATypedErrorAndNotRetried() {
        server.replyAlways(request -> AnthropicWire.refusal("This request asks for malware."));

        LlmException.Refused e = catchThrowableOfType(LlmException.Refused.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.httpStatus()).isEqualTo(200);
        assertThat(e.getMessage()).contains("This request asks for malware.");
        assertThat(e.userMessage()).isEqualTo("The AI model declined to answer this request.");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void anAnswerCutOffAtMaxTokensSaysWhichSettingToRaise() {
        server.reply(AnthropicWire.message("{\"sql\":\"SELECT a, b, c FROM", "max_tokens"));

        LlmException.InvalidOutput e = catchThrowableOfType(LlmException.InvalidOutput.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.userMessage()).contains("LLM_MAX_TOKENS").contains("700");
        assertThat(e.getMessage()).doesNotContain("SELECT a, b, c"); // answers stay out of logs and error trackers
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void anAnswerMissingARequiredPropertyIsInvalidOutput() {
        server.reply(AnthropicWire.message("{\"sql\":\"SELECT 1\"}", "end_turn"));

        LlmException.InvalidOutput e = catchThrowableOfType(LlmException.InvalidOutput.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.getMessage()).contains("explanation");
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeoutAfterTheRetries() {
        llm = probe.client(settings(Duration.ofMillis(300), 1));
        server.replyAlways(request -> FakeLlmServer.Reply.NO_ANSWER);

        LlmException.TimedOut e = catchThrowableOfType(LlmException.TimedOut.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.httpStatus()).isZero();
        assertThat(e.provider()).isEqualTo("anthropic");
        assertThat(server.received()).hasSize(2);
        assertThat(probe.outcomes).allMatch(LlmException.TimedOut.class::isInstance);
    }

    @Test
    void aProviderWithoutStructuredOutputGetsTheSchemaInThePromptFromThenOn() {
        server.reply(AnthropicWire.error(400, "invalid_request_error",
                        "output_config.format: structured outputs are not supported by this model"),
                AnthropicWire.message("Here it is:\n```json\n" + ANSWER + "\n```", "end_turn"),
                AnthropicWire.message(ANSWER, "end_turn"));

        SqlAnswer first = SqlAnswer.from(llm.structured("You write SQL.", "q1", SqlAnswer.SCHEMA, null));
        SqlAnswer second = SqlAnswer.from(llm.structured("You write SQL.", "q2", SqlAnswer.SCHEMA, null));

        assertThat(first.sql()).isEqualTo("SELECT count(*) FROM orders");
        assertThat(second.sql()).isEqualTo("SELECT count(*) FROM orders");
        assertThat(server.received()).hasSize(3);
        JsonObject fallback = server.received().get(1).json();
        assertThat(fallback.containsKey("output_config")).isFalse();
        assertThat(fallback.getString("system")).startsWith("You write SQL.").contains("\"sql\"")
                .contains("JSON schema");
        assertThat(server.received().get(2).json().containsKey("output_config")).isFalse();
        assertThat(probe.requests).extracting(LlmRequest::responseFormat)
                .containsExactly(ResponseFormat.JSON_SCHEMA, ResponseFormat.TEXT, ResponseFormat.TEXT);
    }

    @Test
    void aServerThatCannotBeReachedIsUnavailable() {
        String closedPort = server.url();
        server.close();
        llm = probe.client(LlmSettings.of(LlmSettings.Provider.ANTHROPIC, AnthropicWire.MODEL, "k", closedPort,
                Duration.ofSeconds(2), 0, 100));

        LlmException.Unavailable e = catchThrowableOfType(LlmException.Unavailable.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(e.httpStatus()).isZero();
        assertThat(e.getMessage()).contains(closedPort);
    }
}
