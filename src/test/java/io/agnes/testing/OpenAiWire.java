package io.agnes.testing;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;

/** Bodies in the shape OpenAI's chat completions API sends them (POST {base}/chat/completions). */
public final class OpenAiWire {

    public static final String MODEL = "gpt-5.4-mini";
    public static final String SNAPSHOT = "gpt-5.4-mini-2026-03-17";

    private OpenAiWire() {
    }

    public static FakeLlmServer.Reply completion(String content, String finishReason) {
        return FakeLlmServer.Reply.json(200, body(Json.createObjectBuilder()
                .add("role", "assistant").add("content", content).addNull("refusal")
                .add("annotations", Json.createArrayBuilder()), finishReason).build().toString())
                .withHeader("x-request-id", "req_fake_openai");
    }

    /** The refusal shape of structured outputs: no content, {@code message.refusal} set. */
    public static FakeLlmServer.Reply refusal(String refusal) {
        return FakeLlmServer.Reply.json(200, body(Json.createObjectBuilder()
                .add("role", "assistant").addNull("content").add("refusal", refusal)
                .add("annotations", Json.createArrayBuilder()), "stop").build().toString());
    }

    private static JsonObjectBuilder body(JsonObjectBuilder message, String finishReason) {
        return Json.createObjectBuilder()
                .add("id", "chatcmpl-C9fakeOpenAiCompletion")
                .add("object", "chat.completion")
                .add("created", 1_790_000_000L)
                .add("model", SNAPSHOT)
                .add("choices", Json.createArrayBuilder().add(Json.createObjectBuilder()
                        .add("index", 0)
                        .add("message", message)
                        .addNull("logprobs")
                        .add("finish_reason", finishReason)))
                .add("usage", Json.createObjectBuilder()
                        .add("prompt_tokens", 321)
                        .add("completion_tokens", 45)
                        .add("total_tokens", 366)
                        .add("prompt_tokens_details", Json.createObjectBuilder()
                                .add("cached_tokens", 256).add("audio_tokens", 0))
                        .add("completion_tokens_details", Json.createObjectBuilder()
                                .add("reasoning_tokens", 0).add("audio_tokens", 0)
                                .add("accepted_prediction_tokens", 0).add("rejected_prediction_tokens", 0)))
                .add("service_tier", "default")
                .addNull("system_fingerprint");
    }

    /** An error in OpenAI's shape: {@code {"error":{"message","type","param","code"}}}. */
    public static FakeLlmServer.Reply error(int status, String message, String type, String param, String code) {
        JsonObjectBuilder error = Json.createObjectBuilder().add("message", message).add("type", type);
        if (param == null) {
            error.addNull("param");
        } else {
            error.add("param", param);
        }
        if (code == null) {
            error.addNull("code");
        } else {
            error.add("code", code);
        }
        return FakeLlmServer.Reply.json(status, Json.createObjectBuilder().add("error", error).build().toString());
    }
}
