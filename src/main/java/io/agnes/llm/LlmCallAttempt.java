package io.agnes.llm;

import io.agnes.observability.LlmTraced;

import io.agnes.web.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One call to the configured LLM provider: one HTTP request, one answer or one typed failure.
 *
 * <p>This is where LLM tracing hooks in. {@link #attempt} is public, not final, on an
 * {@code @ApplicationScoped} bean, and its argument and result are plain records, so an interceptor
 * binding placed on it sees every attempt (each retry and each format fallback is its own attempt) with
 * provider, model, prompts, usage and HTTP status, without knowing either SDK. On failure it throws an
 * {@link LlmException} carrying the HTTP status. {@link LlmClient} calls it from another bean on purpose:
 * a call from inside this class would not pass through the CDI proxy, and the interceptor would miss it.
 */
@ApplicationScoped
public class LlmCallAttempt {

    private static final Logger LOG = Logger.getLogger(LlmCallAttempt.class.getName());

    @Inject
    Settings settings;

    private volatile LlmSettings llmSettings = LlmSettings.notConfigured("not started");
    private volatile LlmProvider provider;

    @PostConstruct
    void start() {
        configure(LlmSettings.from(settings));
    }

    /** Creates the bean at deployment, so configuration warnings and an SDK that cannot load show in the boot log. */
    void startEagerly(@Observes Startup startup) {
        // the observer's only job is to make the container instantiate this bean now
    }

    /** Uses {@code configured}: the provider's SDK client is built here, once. */
    void configure(LlmSettings configured) {
        close();
        if (!configured.configured()) {
            LOG.info(() -> "LLM not configured: " + configured.notConfiguredReason());
            llmSettings = configured;
            return;
        }
        try {
            provider = switch (configured.provider()) {
                case ANTHROPIC -> new AnthropicProvider(configured, Clock.systemUTC());
                case OPENAI_COMPAT -> new OpenAiCompatProvider(configured, Clock.systemUTC());
                case NONE -> throw new IllegalStateException("unreachable");
            };
            llmSettings = configured;
            LOG.info(() -> "LLM: " + configured);
        } catch (RuntimeException | LinkageError e) {
            // e.g. a Jackson or Kotlin version the SDK cannot work with: the rest of Agnes keeps running
            LOG.log(Level.SEVERE, "The " + configured.providerName() + " client could not be created; LLM features "
                    + "are off", e);
            llmSettings = LlmSettings.notConfigured("the " + configured.providerName()
                    + " client could not be created (" + e + ")");
        }
    }

    /**
     * Sends {@code request} once to the configured provider.
     *
     * @throws LlmException.NotConfigured when no provider is configured
     * @throws LlmException               the typed failure of this attempt, with the provider's HTTP status
     * @throws IllegalArgumentException   when the request names another provider or base URL than the configured one
     */
    @LlmTraced
    public LlmResponse attempt(LlmRequest request) {
        LlmProvider current = provider;
        if (current == null) {
            throw new LlmException.NotConfigured(llmSettings.notConfiguredReason());
        }
        if (!current.name().equals(request.provider()) || !llmSettings.baseUrl().equals(request.baseUrl())) {
            throw new IllegalArgumentException("request for " + request.provider() + " at " + request.baseUrl()
                    + ", but the configured provider is " + current.name() + " at " + llmSettings.baseUrl());
        }
        return current.call(request);
    }

    /** The resolved configuration (never exposes the API key through {@code toString}). */
    public LlmSettings llmSettings() {
        return llmSettings;
    }

    /** The strongest JSON format the configured provider still accepts. */
    public ResponseFormat responseFormat() {
        LlmProvider current = provider;
        return current == null ? ResponseFormat.JSON_SCHEMA : current.responseFormat();
    }

    @PreDestroy
    void close() {
        LlmProvider current = provider;
        provider = null;
        if (current != null) {
            current.close();
        }
    }
}
