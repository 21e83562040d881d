package io.agnes.llm;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.Timeout;
import com.anthropic.errors.AnthropicException;
import com.anthropic.errors.AnthropicInvalidDataException;
import com.anthropic.errors.AnthropicIoException;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.JsonOutputFormat;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.Model;
import com.anthropic.models.messages.OutputConfig;
import com.anthropic.models.messages.RefusalStopDetails;
import com.anthropic.models.messages.StopReason;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Anthropic's Messages API through {@code com.anthropic:anthropic-java}.
 *
 * <p>Structured output uses the API's own JSON-schema output format ({@code output_config.format} of
 * type {@code json_schema}, SDK 3.14 {@link OutputConfig}/{@link JsonOutputFormat}), so the answer is the
 * JSON object itself; no forced tool call is needed.
 */
final class AnthropicProvider implements LlmProvider {

    static final String NAME = LlmSettings.Provider.ANTHROPIC.wireName();

    private final LlmSettings settings;
    private final AnthropicClient client;
    private final Clock clock;
    private final FormatFallback format;

    AnthropicProvider(LlmSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.format = new FormatFallback(NAME, settings.baseUrl(), ResponseFormat.JSON_SCHEMA);
        // no fromEnv(): every setting comes from Agnes's configuration, none from ANTHROPIC_* variables behind its back
        this.client = AnthropicOkHttpClient.builder()
                .apiKey(settings.apiKey())
                .baseUrl(settings.baseUrl())
                .timeout(timeout(settings.timeout()))
                .maxRetries(0) // LlmClient retries, so that each attempt passes LlmCallAttempt
                .streamHandlerExecutor(ProviderSupport.CALLING_THREAD)
                .completionExecutor(ProviderSupport.CALLING_THREAD)
                .build();
    }

    static Timeout timeout(Duration timeout) {
        Duration connect = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        return Timeout.builder().connect(connect).read(timeout).write(timeout).request(timeout).build();
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
        Message message;
        try {
            message = client.messages().create(params(request));
        } catch (AnthropicServiceException e) {
            throw error(request, e);
        } catch (AnthropicIoException e) {
            throw ProviderSupport.transportError(NAME, settings.baseUrl(), settings.timeout(), e);
        } catch (AnthropicInvalidDataException e) {
            throw LlmException.InvalidOutput.notJson(NAME, "anthropic answered a malformed message: " + e.getMessage());
        } catch (AnthropicException e) {
            throw new LlmException.Unavailable(NAME, 0, "anthropic call failed: " + e, null, e);
        }
        try {
            return response(request, message);
        } catch (AnthropicInvalidDataException e) {
            throw LlmException.InvalidOutput.notJson(NAME, "anthropic answered a malformed message: " + e.getMessage());
        }
    }

    private static MessageCreateParams params(LlmRequest request) {
        MessageCreateParams.Builder params = MessageCreateParams.builder()
                .model(request.model())
                .maxTokens(request.maxTokens());
        if (!request.system().isEmpty()) {
            params.system(request.system());
        }
        for (LlmMessage message : request.messages()) {
            if (LlmMessage.USER.equals(message.role())) {
                params.addUserMessage(message.content());
            } else {
                params.addAssistantMessage(message.content());
            }
        }
        if (request.temperature() != null) {
            // SDK 3.14 no longer models temperature (current models fix it); sent raw, the API has the last word
            params.putAdditionalBodyProperty("temperature", JsonValue.from(request.temperature()));
        }
        if (request.schema() != null && request.responseFormat() == ResponseFormat.JSON_SCHEMA) {
            Map<String, JsonValue> schema = JsonValues.toPlainObject(request.schema().schema()).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> JsonValue.from(e.getValue())));
            params.outputConfig(OutputConfig.builder()
                    .format(JsonOutputFormat.builder()
                            .schema(JsonOutputFormat.Schema.builder().additionalProperties(schema).build())
                            .build())
                    .build());
        }
        return params.build();
    }

    private LlmResponse response(LlmRequest request, Message message) {
        String stopReason = message._stopReason().asKnown().map(StopReason::asString).orElse(null);
        String text = message.content().stream()
                .filter(ContentBlock::isText)
                .map(block -> block.asText().text())
                .collect(Collectors.joining());
        if ("refusal".equals(stopReason)) {
            String why = message.stopDetails().flatMap(RefusalStopDetails::explanation).orElse("no explanation");
            throw new LlmException.Refused(NAME, 200, "anthropic refused to answer: " + why);
        }
        boolean cutOff = "max_tokens".equals(stopReason) || "model_context_window_exceeded".equals(stopReason);
        // read field by field: a proxy that leaves usage out must not turn a good answer into an error
        LlmUsage usage = message._usage().asKnown().map(u -> new LlmUsage(u._inputTokens().asKnown().orElse(null),
                u._outputTokens().asKnown().orElse(null), u._cacheReadInputTokens().asKnown().orElse(null),
                u._cacheCreationInputTokens().asKnown().orElse(null))).orElse(LlmUsage.UNKNOWN);
        return new LlmResponse(
                NAME,
                message._model().asKnown().map(Model::asString).orElse(request.model()),
                message._id().asKnown().orElse(null),
                usage,
                stopReason,
                text,
                200,
                ProviderSupport.json(request, NAME, text, cutOff));
    }

    private LlmException error(LlmRequest request, AnthropicServiceException e) {
        int status = e.statusCode();
        String apiMessage = e.apiMessage().orElse(e.getMessage());
        Optional<Duration> retryAfter = Backoff.retryAfter(
                name -> e.headers().values(name).stream().findFirst(), clock.instant());
        String lower = apiMessage.toLowerCase(Locale.ROOT);
        if (status == 400 && request.responseFormat() == ResponseFormat.JSON_SCHEMA
                && (lower.contains("output_config") || lower.contains("output_format")
                        || lower.contains("structured output"))) {
            // an older model or an Anthropic-compatible proxy: the schema goes into the prompt instead (no
            // json_object mode exists here), and the answer is parsed leniently
            boolean downgraded = format.rejected(ResponseFormat.JSON_SCHEMA, ResponseFormat.TEXT, apiMessage);
            return new LlmException.Unsupported(NAME, status, "anthropic rejected structured output for "
                    + request.model() + " (HTTP 400): " + ProviderSupport.shorten(apiMessage),
                    LlmException.Unsupported.Feature.RESPONSE_FORMAT, downgraded);
        }
        return ProviderSupport.errorFor(NAME, status, apiMessage, retryAfter);
    }

    @Override
    public void close() {
        client.close();
    }
}
