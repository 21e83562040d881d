package io.agnes.llm;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.Timeout;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIInvalidDataException;
import com.openai.errors.OpenAIIoException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.ResponseFormatJsonObject;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.completions.CompletionUsage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Chat completions on any OpenAI-compatible server (OpenAI, Azure-style gateways, vLLM, Ollama, LM Studio,
 * llama.cpp...) through {@code com.openai:openai-java} with a configurable base URL.
 *
 * <p>Servers differ in what they accept, so two things step down once a server rejects them, and stay
 * down for this provider instance: the response format ({@code json_schema} → {@code json_object} →
 * plain text with the schema in the prompt), and the token limit parameter ({@code max_completion_tokens},
 * which OpenAI's reasoning models require, → the older {@code max_tokens}).
 */
final class OpenAiCompatProvider implements LlmProvider {

    static final String NAME = LlmSettings.Provider.OPENAI_COMPAT.wireName();
    private static final Logger LOG = Logger.getLogger(OpenAiCompatProvider.class.getName());

    private final LlmSettings settings;
    private final OpenAIClient client;
    private final Clock clock;
    private final FormatFallback format;
    private final AtomicBoolean legacyMaxTokens = new AtomicBoolean();

    OpenAiCompatProvider(LlmSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.format = new FormatFallback(NAME, settings.baseUrl(), ResponseFormat.JSON_SCHEMA);
        Duration timeout = settings.timeout();
        Duration connect = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        // no fromEnv(): every setting comes from Agnes's configuration, none from OPENAI_* variables behind its back
        OpenAIOkHttpClient.Builder builder = OpenAIOkHttpClient.builder()
                .baseUrl(settings.baseUrl())
                .timeout(Timeout.builder().connect(connect).read(timeout).write(timeout).request(timeout).build())
                .maxRetries(0) // LlmClient retries, so that each attempt passes LlmCallAttempt
                .streamHandlerExecutor(ProviderSupport.CALLING_THREAD);
        if (settings.apiKey().isEmpty()) {
            // a local server without authentication: the SDK insists on a credential, the server gets no header
            builder.apiKey("unused").removeHeaders("Authorization");
        } else {
            builder.apiKey(settings.apiKey());
        }
        this.client = builder.build();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ResponseFormat responseFormat() {
        return format.current();
    }

    @Override
    public LlmResponse call(LlmRequest request) {
        boolean legacy = legacyMaxTokens.get();
        ChatCompletion completion;
        try {
            completion = client.chat().completions().create(params(request, legacy));
        } catch (OpenAIServiceException e) {
            throw error(request, legacy, e);
        } catch (OpenAIIoException e) {
            throw ProviderSupport.transportError(NAME, settings.baseUrl(), settings.timeout(), e);
        } catch (OpenAIInvalidDataException e) {
            throw LlmException.InvalidOutput.notJson(NAME, "openai_compat answered a malformed completion: "
                    + e.getMessage());
        } catch (OpenAIException e) {
            throw new LlmException.Unavailable(NAME, 0, "openai_compat call failed: " + e, null, e);
        }
        try {
            return response(request, completion);
        } catch (OpenAIInvalidDataException e) {
            throw LlmException.InvalidOutput.notJson(NAME, "openai_compat answered a malformed completion: "
                    + e.getMessage());
        }
    }

    private static ChatCompletionCreateParams params(LlmRequest request, boolean legacyMaxTokens) {
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder().model(request.model());
        if (!request.system().isEmpty()) {
            // "system", not "developer": every compatible server knows it, and OpenAI maps it for its newer models
            params.addSystemMessage(request.system());
        }
        for (LlmMessage message : request.messages()) {
            if (LlmMessage.USER.equals(message.role())) {
                params.addUserMessage(message.content());
            } else {
                params.addMessage(com.openai.models.chat.completions.ChatCompletionAssistantMessageParam.builder()
                        .content(message.content()).build());
            }
        }
        if (legacyMaxTokens) {
            params.maxTokens((long) request.maxTokens());
        } else {
            params.maxCompletionTokens((long) request.maxTokens());
        }
        if (request.temperature() != null) {
            params.temperature(request.temperature());
        }
        switch (request.responseFormat()) {
            case JSON_SCHEMA -> {
                if (request.schema() != null) {
                    Map<String, JsonValue> schema = JsonValues.toPlainObject(request.schema().schema()).entrySet()
                            .stream().collect(Collectors.toMap(Map.Entry::getKey, e -> JsonValue.from(e.getValue())));
                    params.responseFormat(ResponseFormatJsonSchema.builder()
                            .jsonSchema(ResponseFormatJsonSchema.JsonSchema.builder()
                                    .name(request.schema().name())
                                    .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                                            .additionalProperties(schema).build())
                                    .strict(true)
                                    .build())
                            .build());
                }
            }
            case JSON_OBJECT -> params.responseFormat(ResponseFormatJsonObject.builder().build());
            case TEXT -> {
                // no response_format at all: the servers that reject one also reject {"type":"text"}
            }
        }
        return params.build();
    }

    private LlmResponse response(LlmRequest request, ChatCompletion completion) {
        List<ChatCompletion.Choice> choices = completion.choices();
        if (choices.isEmpty()) {
            throw LlmException.InvalidOutput.notJson(NAME, "openai_compat answered no choices");
        }
        ChatCompletion.Choice choice = choices.get(0);
        ChatCompletionMessage message = choice.message();
        String finishReason = choice._finishReason().asKnown().map(ChatCompletion.Choice.FinishReason::asString)
                .orElse(null);
        Optional<String> refusal = message.refusal().filter(r -> !r.isBlank());
        if (refusal.isPresent() || "content_filter".equals(finishReason)) {
            throw new LlmException.Refused(NAME, 200, "openai_compat refused to answer: "
                    + refusal.orElse("finish_reason content_filter"));
        }
        String text = message.content().orElse("");
        Optional<CompletionUsage> usage = completion.usage();
        // some compatible servers leave fields out: each count is read on its own, missing = unknown
        LlmUsage llmUsage = usage.map(u -> new LlmUsage(u._promptTokens().asKnown().orElse(null),
                u._completionTokens().asKnown().orElse(null),
                u._promptTokensDetails().asKnown().flatMap(d -> d._cachedTokens().asKnown()).orElse(null),
                null)).orElse(LlmUsage.UNKNOWN);
        return new LlmResponse(
                NAME,
                completion._model().asKnown().orElse(request.model()),
                completion._id().asKnown().orElse(null),
                llmUsage,
                finishReason,
                text,
                200,
                ProviderSupport.json(request, NAME, text, "length".equals(finishReason)));
    }

    private LlmException error(LlmRequest request, boolean legacy, OpenAIServiceException e) {
        int status = e.statusCode();
        String apiMessage = e.getMessage() == null ? "" : e.getMessage().replaceFirst("^\\d{3}: ", "");
        String lower = apiMessage.toLowerCase(Locale.ROOT);
        String param = e.param().orElse("").toLowerCase(Locale.ROOT);
        String detail = "openai_compat answered HTTP " + status + ": " + ProviderSupport.shorten(apiMessage);
        if (status == 400 || status == 422) {
            ResponseFormat sent = request.responseFormat();
            if (sent != ResponseFormat.TEXT && (param.startsWith("response_format") || lower.contains("response_format")
                    || lower.contains(sent.wireName()))) {
                boolean downgraded = format.rejected(sent, sent.weaker(), ProviderSupport.shorten(apiMessage));
                return new LlmException.Unsupported(NAME, status, detail,
                        LlmException.Unsupported.Feature.RESPONSE_FORMAT, downgraded);
            }
            if (!legacy && (param.equals("max_completion_tokens") || lower.contains("max_completion_tokens"))) {
                if (legacyMaxTokens.compareAndSet(false, true)) {
                    LOG.warning(() -> "openai_compat server " + settings.baseUrl() + " rejected max_completion_tokens ("
                            + ProviderSupport.shorten(apiMessage) + "); using max_tokens from now on");
                }
                return new LlmException.Unsupported(NAME, status, detail,
                        LlmException.Unsupported.Feature.MAX_TOKENS_PARAMETER, true);
            }
        }
        Optional<Duration> retryAfter = Backoff.retryAfter(
                name -> e.headers().values(name).stream().findFirst(), clock.instant());
        return ProviderSupport.errorFor(NAME, status, apiMessage, retryAfter);
    }

    @Override
    public void close() {
        client.close();
    }
}
