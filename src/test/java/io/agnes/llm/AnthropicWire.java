package io.agnes.llm;

import io.agnes.testing.FakeLlmServer;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

/** Bodies in the shape Anthropic's Messages API sends them (POST /v1/messages). */
final class AnthropicWire {

    static final String MODEL = "claude-sonnet-5-5";
    static final String SNAPSHOT = "claude-sonnet-5-5-20260815";

    private AnthropicWire() {
    }

    /** A successful message with one text block; cache token counts as Anthropic reports them. */
    static FakeLlmServer.Reply message(String text, String stopReason) {
        return FakeLlmServer.Reply.json(200, messageBody(text, stopReason, null).build().toString())
                .withHeader("request-id", "req_011CTestFakeAnthropic");
    }

    static FakeLlmServer.Reply refusal(String explanation) {
        JsonObjectBuilder body = messageBody("", "refusal", Json.createObjectBuilder()
                .add("type", "refusal").add("category", "cyber").add("explanation", explanation));
        return FakeLlmServer.Reply.json(200, body.build().toString());
    }

    private static JsonObjectBuilder messageBody(String text, String stopReason, JsonObjectBuilder stopDetails) {
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("id", "msg_01XFDUDYJgAACzvnptvVoYEL")
                .add("type", "message")
                .add("role", "assistant")
                .add("model", SNAPSHOT)
                .add("content", text.isEmpty() ? Json.createArrayBuilder()
                        : Json.createArrayBuilder().add(Json.createObjectBuilder().add("type", "text").add("text", text)))
                .add("stop_reason", stopReason)
                .addNull("stop_sequence")
                .add("usage", Json.createObjectBuilder()
                        .add("input_tokens", 412)
                        .add("cache_creation_input_tokens", 1024)
                        .add("cache_read_input_tokens", 2048)
                        .add("output_tokens", 57)
                        .add("service_tier", "standard"));
        if (stopDetails != null) {
            body.add("stop_details", stopDetails);
        } else {
            body.addNull("stop_details");
        }
        return body;
    }

    /** An error in Anthropic's shape: {@code {"type":"error","error":{"type":..., "message":...}}}. */
    static FakeLlmServer.Reply error(int status, String type, String message) {
        return FakeLlmServer.Reply.json(status, Json.createObjectBuilder()
                .add("type", "error")
                .add("error", Json.createObjectBuilder().add("type", type).add("message", message))
                .add("request_id", "req_011CTestFakeAnthropicError")
                .build().toString())
                .withHeader("request-id", "req_011CTestFakeAnthropicError");
    }
}
