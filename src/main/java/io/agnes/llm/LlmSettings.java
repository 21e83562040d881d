package io.agnes.llm;

import io.agnes.web.Setting;
import io.agnes.web.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * The LLM configuration, resolved once from the {@code LLM_*} settings.
 *
 * <h2>Configuration</h2>
 * <ul>
 * <li>{@code LLM_PROVIDER}: {@code anthropic}, {@code openai_compat} or {@code none}. Empty: {@code anthropic}
 * when an Anthropic key is set ({@code ANTHROPIC_API_KEY}, or an {@code LLM_API_KEY} starting {@code sk-ant-}),
 * else {@code openai_compat} when {@code LLM_BASE_URL}, {@code LLM_API_KEY} or {@code OPENAI_API_KEY} is set,
 * else none.</li>
 * <li>{@code LLM_MODEL}: default {@value #DEFAULT_ANTHROPIC_MODEL_NAME} / {@value #DEFAULT_OPENAI_MODEL_NAME}.</li>
 * <li>{@code LLM_API_KEY}: falls back to {@code ANTHROPIC_API_KEY} / {@code OPENAI_API_KEY}. An
 * OpenAI-compatible server on {@code LLM_BASE_URL} may need none (no {@code Authorization} header is sent).</li>
 * <li>{@code LLM_BASE_URL}: default {@value #ANTHROPIC_BASE_URL} / {@value #OPENAI_BASE_URL}.</li>
 * <li>{@code LLM_TIMEOUT_SECONDS} (60), {@code LLM_MAX_RETRIES} (3), {@code LLM_MAX_TOKENS} (1024).</li>
 * </ul>
 * An unusable value logs one warning naming it and the default used instead.
 *
 * @param provider            which provider, {@link Provider#NONE} when the LLM is not configured
 * @param notConfiguredReason why the LLM is not configured ({@code null} when it is)
 */
public record LlmSettings(
        Provider provider,
        String model,
        String apiKey,
        String baseUrl,
        Duration timeout,
        int maxRetries,
        int maxTokens,
        String notConfiguredReason) {

    public static final String ANTHROPIC_BASE_URL = "https://api.anthropic.com";
    public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
    static final String DEFAULT_ANTHROPIC_MODEL_NAME = "claude-sonnet-5-5";
    static final String DEFAULT_OPENAI_MODEL_NAME = "gpt-5.4-mini";
    /** The sentence that tells an operator how to turn the LLM on. */
    public static final String HOW_TO_CONFIGURE = "To use Anthropic set ANTHROPIC_API_KEY (or LLM_API_KEY); for an "
            + "OpenAI-compatible server set LLM_BASE_URL and/or LLM_API_KEY (and LLM_MODEL); then restart Agnes.";

    /** The providers; {@link #wireName()} is the name used in settings and traces. */
    public enum Provider {
        ANTHROPIC("anthropic"),
        OPENAI_COMPAT("openai_compat"),
        NONE("none");

        private final String wireName;

        Provider(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Provider parse(String value) {
            for (Provider provider : values()) {
                if (provider.wireName.equals(value.toLowerCase(Locale.ROOT))) {
                    return provider;
                }
            }
            return null;
        }
    }

    public boolean configured() {
        return provider != Provider.NONE;
    }

    /** The configuration of an Anthropic or OpenAI-compatible provider (tests build these directly). */
    static LlmSettings of(Provider provider, String model, String apiKey, String baseUrl, Duration timeout,
            int maxRetries, int maxTokens) {
        return new LlmSettings(provider, model, apiKey, baseUrl, timeout, maxRetries, maxTokens, null);
    }

    static LlmSettings notConfigured(String reason) {
        return new LlmSettings(Provider.NONE, "", "", "", Duration.ZERO, 0, 1, reason);
    }

    /** Resolves the settings; never fails (a missing key gives a not-configured result with its reason). */
    public static LlmSettings from(Settings settings) {
        String llmKey = settings.string(Setting.LLM_API_KEY);
        String anthropicKey = settings.string(Setting.ANTHROPIC_API_KEY);
        String openAiKey = settings.string(Setting.OPENAI_API_KEY);
        boolean baseUrlSet = settings.isSet(Setting.LLM_BASE_URL);

        Provider detected = !anthropicKey.isEmpty() || llmKey.startsWith("sk-ant-") ? Provider.ANTHROPIC
                : baseUrlSet || !llmKey.isEmpty() || !openAiKey.isEmpty() ? Provider.OPENAI_COMPAT
                : Provider.NONE;
        Provider provider = detected;
        if (settings.isSet(Setting.LLM_PROVIDER)) {
            String value = settings.string(Setting.LLM_PROVIDER);
            Provider chosen = Provider.parse(value);
            if (chosen == null) {
                settings.warnOnce(Setting.LLM_PROVIDER, value,
                        detected.wireName + " (detected; expected anthropic, openai_compat or none)");
            } else {
                provider = chosen;
            }
        }

        switch (provider) {
            case NONE -> {
                return notConfigured(detected != Provider.NONE
                        ? "LLM_PROVIDER is none" : "no LLM provider, API key or base URL is set");
            }
            case ANTHROPIC -> {
                String key = llmKey.isEmpty() ? anthropicKey : llmKey;
                if (key.isEmpty()) {
                    return notConfigured("LLM_PROVIDER is anthropic but neither LLM_API_KEY nor ANTHROPIC_API_KEY is set");
                }
                return resolved(settings, provider, key, DEFAULT_ANTHROPIC_MODEL_NAME, ANTHROPIC_BASE_URL);
            }
            default -> {
                String key = llmKey.isEmpty() ? openAiKey : llmKey;
                if (key.isEmpty() && !baseUrlSet) {
                    return notConfigured("LLM_PROVIDER is openai_compat but neither an API key "
                            + "(LLM_API_KEY, OPENAI_API_KEY) nor LLM_BASE_URL is set");
                }
                return resolved(settings, provider, key, DEFAULT_OPENAI_MODEL_NAME, OPENAI_BASE_URL);
            }
        }
    }

    private static LlmSettings resolved(Settings settings, Provider provider, String apiKey, String defaultModel,
            String defaultBaseUrl) {
        String model = settings.isSet(Setting.LLM_MODEL) ? settings.string(Setting.LLM_MODEL) : defaultModel;
        return of(provider, model, apiKey, baseUrl(settings, defaultBaseUrl),
                Duration.ofSeconds(settings.positiveInt(Setting.LLM_TIMEOUT_SECONDS, 1)),
                settings.positiveInt(Setting.LLM_MAX_RETRIES, 0),
                settings.positiveInt(Setting.LLM_MAX_TOKENS, 1));
    }

    private static String baseUrl(Settings settings, String providerDefault) {
        if (!settings.isSet(Setting.LLM_BASE_URL)) {
            return providerDefault;
        }
        String value = settings.string(Setting.LLM_BASE_URL);
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null) {
                // both SDKs append their paths ("/v1/messages", "/chat/completions") to the base URL
                return value.replaceAll("/+$", "");
            }
        } catch (java.net.URISyntaxException e) {
            // falls through to the warning
        }
        settings.warnOnce(Setting.LLM_BASE_URL, value, providerDefault + " (expected an http(s) URL such as "
                + "http://localhost:11434/v1)");
        return providerDefault;
    }

    /** The provider's name in requests, responses and traces. */
    public String providerName() {
        return provider.wireName();
    }

    /** Never prints the API key. */
    @Override
    public String toString() {
        return configured()
                ? "LlmSettings[" + provider.wireName() + ", model=" + model + ", baseUrl=" + baseUrl + ", apiKey="
                        + (apiKey.isEmpty() ? "none" : "set") + ", timeout=" + timeout + ", maxRetries=" + maxRetries
                        + ", maxTokens=" + maxTokens + "]"
                : "LlmSettings[not configured: " + notConfiguredReason + "]";
    }
}
