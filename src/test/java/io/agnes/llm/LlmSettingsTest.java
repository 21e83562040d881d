package io.agnes.llm;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.models.messages.Model;
import com.openai.models.ChatModel;
import io.agnes.web.Setting;
import io.agnes.web.Settings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmSettingsTest {

    private final List<String> warnings = new ArrayList<>();
    private final Logger settingsLog = Logger.getLogger(Settings.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureWarnings() {
        settingsLog.addHandler(capture);
    }

    @AfterEach
    void release() {
        settingsLog.removeHandler(capture);
    }

    private static LlmSettings resolve(Map<String, String> env) {
        return LlmSettings.from(new Settings(key -> Optional.ofNullable(env.get(key))));
    }

    @Test
    void nothingSetMeansNotConfiguredWithAHowTo() {
        LlmSettings settings = resolve(Map.of());

        assertThat(settings.configured()).isFalse();
        assertThat(settings.provider()).isEqualTo(LlmSettings.Provider.NONE);
        LlmException.NotConfigured e = new LlmException.NotConfigured(settings.notConfiguredReason());
        assertThat(e.userMessage()).contains("ANTHROPIC_API_KEY").contains("LLM_BASE_URL").contains("restart");
        assertThat(e.httpStatus()).isZero();
    }

    @Test
    void anAnthropicKeyChoosesAnthropicWithItsDefaults() {
        LlmSettings settings = resolve(Map.of("ANTHROPIC_API_KEY", "sk-ant-abc"));

        assertThat(settings.provider()).isEqualTo(LlmSettings.Provider.ANTHROPIC);
        assertThat(settings.providerName()).isEqualTo("anthropic");
        assertThat(settings.apiKey()).isEqualTo("sk-ant-abc");
        assertThat(settings.model()).isEqualTo("claude-sonnet-5-5");
        assertThat(settings.baseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.maxRetries()).isEqualTo(3);
        assertThat(settings.maxTokens()).isEqualTo(1024);
    }

    @Test
    void anLlmApiKeyThatLooksLikeAnAnthropicKeyChoosesAnthropic() {
        assertThat(resolve(Map.of("LLM_API_KEY", "sk-ant-xyz")).provider()).isEqualTo(LlmSettings.Provider.ANTHROPIC);
    }

    @Test
    void aBaseUrlAloneChoosesAnOpenAiCompatibleServerWithoutKey() {
        LlmSettings settings = resolve(Map.of("LLM_BASE_URL", "http://localhost:11434/v1/", "LLM_MODEL", "llama3.2"));

        assertThat(settings.provider()).isEqualTo(LlmSettings.Provider.OPENAI_COMPAT);
        assertThat(settings.providerName()).isEqualTo("openai_compat");
        assertThat(settings.baseUrl()).isEqualTo("http://localhost:11434/v1");
        assertThat(settings.apiKey()).isEmpty();
        assertThat(settings.model()).isEqualTo("llama3.2");
    }

    @Test
    void anOpenAiKeyChoosesOpenAiWithItsDefaults() {
        LlmSettings settings = resolve(Map.of("OPENAI_API_KEY", "sk-proj-1"));

        assertThat(settings.provider()).isEqualTo(LlmSettings.Provider.OPENAI_COMPAT);
        assertThat(settings.apiKey()).isEqualTo("sk-proj-1");
        assertThat(settings.model()).isEqualTo("gpt-5.4-mini");
        assertThat(settings.baseUrl()).isEqualTo("https://api.openai.com/v1");
    }

    @Test
    void llmApiKeyWinsOverTheProviderSpecificKey() {
        LlmSettings settings = resolve(Map.of("LLM_PROVIDER", "anthropic", "LLM_API_KEY", "primary",
                "ANTHROPIC_API_KEY", "fallback"));

        assertThat(settings.apiKey()).isEqualTo("primary");
    }

    @Test
    void anExplicitProviderWinsOverDetection() {
        LlmSettings settings = resolve(Map.of("LLM_PROVIDER", "OpenAI_Compat", "ANTHROPIC_API_KEY", "sk-ant-1",
                "OPENAI_API_KEY", "sk-proj-2"));

        assertThat(settings.provider()).isEqualTo(LlmSettings.Provider.OPENAI_COMPAT);
        assertThat(settings.apiKey()).isEqualTo("sk-proj-2");
    }

    @Test
    void anthropicWithoutKeyIsNotConfiguredAndSaysWhichKeysAreMissing() {
        LlmSettings settings = resolve(Map.of("LLM_PROVIDER", "anthropic"));

        assertThat(settings.configured()).isFalse();
        assertThat(settings.notConfiguredReason()).contains("LLM_API_KEY").contains("ANTHROPIC_API_KEY");
    }

    @Test
    void providerNoneTurnsTheLlmOffEvenWithAKey() {
        LlmSettings settings = resolve(Map.of("LLM_PROVIDER", "none", "ANTHROPIC_API_KEY", "sk-ant-1"));

        assertThat(settings.configured()).isFalse();
        assertThat(settings.notConfiguredReason()).contains("LLM_PROVIDER is none");
    }

    @Test
    void invalidValuesWarnOnceAndFallBackToTheDefault() {
        LlmSettings settings = resolve(Map.of("LLM_PROVIDER", "gemini", "ANTHROPIC_API_KEY", "sk-ant-1",
                "LLM_TIMEOUT_SECONDS", "soon", "LLM_MAX_RETRIES", "-1", "LLM_MAX_TOKENS", "0",
                "LLM_BASE_URL", "api.example.com"));

        assertThat(settings.provider()).isEqualTo(LlmSettings.Provider.ANTHROPIC);
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(settings.maxRetries()).isEqualTo(3);
        assertThat(settings.maxTokens()).isEqualTo(1024);
        assertThat(settings.baseUrl()).isEqualTo("https://api.anthropic.com");
        assertThat(warnings).hasSize(5);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("LLM_PROVIDER=\"gemini\"").contains("anthropic"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("LLM_BASE_URL=\"api.example.com\"")
                .contains("https://api.anthropic.com"));
    }

    @Test
    void zeroRetriesIsAllowed() {
        assertThat(resolve(Map.of("ANTHROPIC_API_KEY", "k", "LLM_MAX_RETRIES", "0")).maxRetries()).isZero();
    }

    @Test
    void toStringNeverShowsTheKey() {
        assertThat(resolve(Map.of("ANTHROPIC_API_KEY", "sk-ant-secret-123")).toString())
                .doesNotContain("sk-ant-secret-123").contains("apiKey=set");
    }

    @Test
    void theDefaultModelsAreModelsTheSdksKnowAndTheSettingsDocumentThem() {
        assertThat(LlmSettings.DEFAULT_ANTHROPIC_MODEL_NAME).isEqualTo(Model.CLAUDE_SONNET_5_5.asString());
        assertThat(LlmSettings.DEFAULT_OPENAI_MODEL_NAME).isEqualTo(ChatModel.GPT_5_4_MINI.asString());
        assertThat(Setting.LLM_MODEL.meaning()).contains(LlmSettings.DEFAULT_ANTHROPIC_MODEL_NAME)
                .contains(LlmSettings.DEFAULT_OPENAI_MODEL_NAME);
        assertThat(Setting.LLM_BASE_URL.meaning()).contains(LlmSettings.ANTHROPIC_BASE_URL)
                .contains(LlmSettings.OPENAI_BASE_URL);
    }
}
