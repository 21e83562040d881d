package io.agnes.llm;

import io.agnes.testing.FakeLlmServer;
import io.agnes.testing.OpenAiWire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import jakarta.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible provider driven through the real openai-java SDK against a fake chat completions API. */
class OpenAiCompatProviderTest {

    private static final String ANSWER = "{\"description\":\"One row per order.\",\"tags\":[\"sales\",\"orders\"]}";

    private FakeLlmServer server;
    private AttemptProbe probe;
    private LlmClient llm;

    @BeforeEach
    void start() throws Exception {
        server = new FakeLlmServer();
        probe = new AttemptProbe();
        llm = probe.client(settings("sk-test-openai", Duration.ofSeconds(5), 2));
    }

    private LlmSettings settings(String apiKey, Duration timeout, int maxRetries) {
        return LlmSettings.of(LlmSettings.Provider.OPENAI_COMPAT, OpenAiWire.MODEL, apiKey, server.url() + "/v1",
                timeout, maxRetries, 600);
    }

    @AfterEach
    void stop() {
        probe.close();
        server.close();
    }

    @Test
    void answersWithTheSchemaShapedJsonAndSendsTheSchemaAsResponseFormat() {
        server.reply(OpenAiWire.completion(ANSWER, "stop"));

        TableDescription description = TableDescription.from(llm.structured("Describe tables.", "orders(id, total)",
                TableDescription.SCHEMA, "trace-7"));

        assertThat(description).isEqualTo(new TableDescription("One row per order.", List.of("sales", "orders")));
        FakeLlmServer.Received sent = server.received().get(0);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.header("authorization")).isEqualTo("Bearer sk-test-openai");
        JsonObject body = sent.json();
        assertThat(body.getString("model")).isEqualTo(OpenAiWire.MODEL);
        assertThat(body.getInt("max_completion_tokens")).isEqualTo(600);
        assertThat(body.containsKey("max_tokens")).isFalse();
        assertThat(body.containsKey("temperature")).isFalse();
        assertThat(body.getJsonArray("messages").getJsonObject(0).getString("role")).isEqualTo("system");
        assertThat(body.getJsonArray("messages").getJsonObject(0).toString()).contains("Describe tables.");
        assertThat(body.getJsonArray("messages").getJsonObject(1).getString("role")).isEqualTo("user");
        JsonObject format = body.getJsonObject("response_format");
        assertThat(format.getString("type")).isEqualTo("json_schema");
        assertThat(format.getJsonObject("json_schema").getString("name")).isEqualTo("table_description");
        assertThat(format.getJsonObject("json_schema").getBoolean("strict")).isTrue();
        assertThat(format.getJsonObject("json_schema").getJsonObject("schema")).isEqualTo(TableDescription.SCHEMA.schema());
    }

    @Test
    void theAttemptReportsModelUsageAndFinishReasonFromTheResponse() {
        server.reply(OpenAiWire.completion(ANSWER, "stop"));

        llm.structured("s", "orders", TableDescription.SCHEMA, "trace-8");

        LlmRequest request = probe.requests.get(0);
        assertThat(request.provider()).isEqualTo("openai_compat");
        assertThat(request.baseUrl()).isEqualTo(server.url() + "/v1");
        assertThat(request.requestUrl()).isEqualTo(server.url() + server.received().get(0).path());
        assertThat(request.traceId()).isEqualTo("trace-8");
        LlmResponse response = (LlmResponse) probe.outcomes.get(0);
        assertThat(response.provider()).isEqualTo("openai_compat");
        assertThat(response.model()).isEqualTo(OpenAiWire.SNAPSHOT);
        assertThat(response.id()).isEqualTo("chatcmpl-C9fakeOpenAiCompletion");
        assertThat(response.usage()).isEqualTo(new LlmUsage(321L, 45L, 256L, null));
        assertThat(response.stopReason()).isEqualTo("stop");
        assertThat(response.httpStatus()).isEqualTo(200);
        assertThat(response.json().getJsonArray("tags")).hasSize(2);
    }

    @Test
    void rateLimitedWaitsForRetryAfterThenSucceeds() {
        server.reply(OpenAiWire.error(429, "Rate limit reached for gpt-5.4-mini on requests per min (RPM): Limit 3, "
                        + "Used 3, Requested 1.", "requests", null, "rate_limit_exceeded").withHeader("retry-after", "0.3"),
                OpenAiWire.completion(ANSWER, "stop"));

        JsonObject answer = llm.structured("s", "orders", TableDescription.SCHEMA, "trace-rl");

        assertThat(answer.getString("description")).isEqualTo("One row per order.");
        assertThat(server.received()).hasSize(2);
        long waitedNanos = server.received().get(1).arrivedNanos() - server.received().get(0).arrivedNanos();
        assertThat(Duration.ofNanos(waitedNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(probe.requests).extracting(LlmRequest::attempt).containsExactly(1, 2);
    }

    @Test
    void retryAfterMillisecondsIsHonouredToo() {
        server.reply(OpenAiWire.error(429, "Rate limit reached", "requests", null, "rate_limit_exceeded")
                        .withHeader("retry-after-ms", "250").withHeader("retry-after", "60"),
                OpenAiWire.completion(ANSWER, "stop"));

        llm.structured("s", "orders", TableDescription.SCHEMA, null);

        long waitedNanos = server.received().get(1).arrivedNanos() - server.received().get(0).arrivedNanos();
        assertThat(Duration.ofNanos(waitedNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
    }

    @Test
    void serverErrorsAreRetriedUntilAnAnswerComes() {
        server.reply(OpenAiWire.error(503, "The engine is currently overloaded, please try again later.",
                "server_error", null, null), OpenAiWire.completion(ANSWER, "stop"));

        TableDescription description = TableDescription.from(llm.structured("s", "orders", TableDescription.SCHEMA, null));

        assertThat(description.tags()).containsExactly("sales", "orders");
        assertThat(server.received()).hasSize(2);
    }

    @Test
    void persistentServerErrorsEndInAnUnavailableErrorAfterTheLastRetry() {
        server.replyAlways(request -> OpenAiWire.error(500, "The server had an error while processing your request. "
                + "Sorry about that!", "server_error", null, null));

        LlmException.Unavailable e = catchThrowableOfType(LlmException.Unavailable.class,
                () -> llm.structured("s", "orders", TableDescription.SCHEMA, null));

        assertThat(e.httpStatus()).isEqualTo(500);
        assertThat(e.provider()).isEqualTo("openai_compat");
        assertThat(server.received()).hasSize(3);
    }

    @Test
    void aRejectedKeyIsNotRetried() {
        server.replyAlways(request -> OpenAiWire.error(401, "Incorrect API key provided: sk-test-***enai. You can "
                + "find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", null,
                "invalid_api_key"));

        LlmException.AuthenticationFailed e = catchThrowableOfType(LlmException.AuthenticationFailed.class,
                () -> llm.structured("s", "orders", TableDescription.SCHEMA, null));

        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage()).contains("Incorrect API key provided");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aForbiddenRequestIsAnAuthenticationErrorToo() {
        server.replyAlways(request -> OpenAiWire.error(403, "Project does not have access to model gpt-5.4-mini",
                "invalid_request_error", null, "model_not_found"));

        LlmException.AuthenticationFailed e = catchThrowableOfType(LlmException.AuthenticationFailed.class,
                () -> llm.structured("s", "orders", TableDescription.SCHEMA, null));

        assertThat(e.httpStatus()).isEqualTo(403);
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aRefusalIsATypedErrorAndNotRetried() {
        server.replyAlways(request -> OpenAiWire.refusal("I'm sorry, I can't help with that."));

        LlmException.Refused e = catchThrowableOfType(LlmException.Refused.class,
                () -> llm.structured("s", "orders", TableDescription.SCHEMA, null));

        assertThat(e.httpStatus()).isEqualTo(200);
        assertThat(e.getMessage()).contains("I'm sorry, I can't help with that.");
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void aServerWithoutJsonSchemaFallsBackToJsonObjectThenTextAndRemembersIt() {
        server.replyAlways(request -> {
            JsonObject format = request.json().getJsonObject("response_format");
            if (format == null) {
                return OpenAiWire.completion("Sure! Here is the description:\n```json\n" + ANSWER + "\n```\nAnything else?",
                        "stop");
            }
            if (format.getString("type").equals("json_schema")) {
                return OpenAiWire.error(400, "Invalid parameter: 'response_format' of type 'json_schema' is not "
                        + "supported with this model.", "invalid_request_error", "response_format", null);
            }
            // the error shape of vLLM and others: no "error" wrapper
            return FakeLlmServer.Reply.json(400, "{\"object\":\"error\",\"message\":\"response_format json_object is "
                    + "not supported\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}");
        });

        TableDescription first = TableDescription.from(llm.structured("Describe tables.", "orders", TableDescription.SCHEMA,
                "trace-fb"));

        assertThat(first).isEqualTo(new TableDescription("One row per order.", List.of("sales", "orders")));
        assertThat(server.received()).hasSize(3);
        assertThat(probe.requests).extracting(LlmRequest::responseFormat)
                .containsExactly(ResponseFormat.JSON_SCHEMA, ResponseFormat.JSON_OBJECT, ResponseFormat.TEXT);
        assertThat(probe.requests).extracting(LlmRequest::attempt).containsExactly(1, 2, 3);
        assertThat(probe.outcomes.subList(0, 2)).allSatisfy(outcome -> {
            assertThat(outcome).isInstanceOf(LlmException.Unsupported.class);
            assertThat(((LlmException) outcome).httpStatus()).isEqualTo(400);
        });
        JsonObject jsonObjectAttempt = server.received().get(1).json();
        assertThat(jsonObjectAttempt.getJsonObject("response_format").getString("type")).isEqualTo("json_object");
        assertThat(jsonObjectAttempt.getJsonArray("messages").getJsonObject(0).toString())
                .contains("Describe tables.").contains("JSON").contains("\\\"tags\\\"");
        JsonObject textAttempt = server.received().get(2).json();
        assertThat(textAttempt.containsKey("response_format")).isFalse();

        llm.structured("Describe tables.", "customers", TableDescription.SCHEMA, null);

        assertThat(server.received()).hasSize(4); // straight to plain text: the fallback was remembered
        assertThat(server.received().get(3).json().containsKey("response_format")).isFalse();
    }

    @Test
    void aServerWithoutMaxCompletionTokensGetsMaxTokensFromThenOn() {
        server.reply(OpenAiWire.error(400, "Unrecognized request argument supplied: max_completion_tokens",
                "invalid_request_error", null, null), OpenAiWire.completion(ANSWER, "stop"),
                OpenAiWire.completion(ANSWER, "stop"));

        llm.structured("s", "orders", TableDescription.SCHEMA, null);
        llm.structured("s", "customers", TableDescription.SCHEMA, null);

        assertThat(server.received()).hasSize(3);
        assertThat(server.received().get(1).json().getInt("max_tokens")).isEqualTo(600);
        assertThat(server.received().get(1).json().containsKey("max_completion_tokens")).isFalse();
        assertThat(server.received().get(2).json().getInt("max_tokens")).isEqualTo(600);
        assertThat(server.received().get(2).json().getJsonObject("response_format").getString("type"))
                .isEqualTo("json_schema");
    }

    @Test
    void anAnswerCutOffAtTheLengthLimitSaysWhichSettingToRaise() {
        server.reply(OpenAiWire.completion("{\"description\":\"One row per", "length"));

        LlmException.InvalidOutput e = catchThrowableOfType(LlmException.InvalidOutput.class,
                () -> llm.structured("s", "orders", TableDescription.SCHEMA, null));

        assertThat(e.userMessage()).contains("LLM_MAX_TOKENS");
    }

    @Test
    void noAnswerWithinTheTimeoutIsATimeoutAfterTheRetries() {
        llm = probe.client(settings("sk-test-openai", Duration.ofMillis(300), 1));
        server.replyAlways(request -> FakeLlmServer.Reply.NO_ANSWER);

        LlmException.TimedOut e = catchThrowableOfType(LlmException.TimedOut.class,
                () -> llm.structured("s", "orders", TableDescription.SCHEMA, null));

        assertThat(e.httpStatus()).isZero();
        assertThat(e.userMessage()).contains("did not answer in time");
        assertThat(server.received()).hasSize(2);
    }

    @Test
    void aLocalServerWithoutKeyGetsNoAuthorizationHeader() {
        llm = probe.client(settings("", Duration.ofSeconds(5), 0));
        server.reply(OpenAiWire.completion(ANSWER, "stop"));

        llm.structured("s", "orders", TableDescription.SCHEMA, null);

        assertThat(server.received().get(0).header("authorization")).isNull();
    }

    @Test
    void aCallWithoutSchemaReturnsPlainText() {
        server.reply(OpenAiWire.completion("Orders are sales.", "stop"));

        LlmResponse response = llm.call("s", List.of(LlmMessage.user("What are orders?")), null, 0.2, null);

        assertThat(response.content()).isEqualTo("Orders are sales.");
        assertThat(response.json()).isNull();
        JsonObject body = server.received().get(0).json();
        assertThat(body.containsKey("response_format")).isFalse();
        assertThat(body.getJsonNumber("temperature").doubleValue()).isEqualTo(0.2);
    }
}
