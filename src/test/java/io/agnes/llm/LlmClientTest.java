package io.agnes.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.agnes.web.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The client's behaviour that needs no provider: not configured, requests that do not match the configuration. */
class LlmClientTest {

    @Test
    void withoutConfigurationEveryCallIsNotConfiguredAndNothingIsAttempted() {
        AttemptProbe probe = new AttemptProbe();
        probe.settings = new Settings(key -> Optional.empty());
        probe.start();
        LlmClient llm = new LlmClient();
        llm.callAttempt = probe;

        LlmException.NotConfigured e = catchThrowableOfType(LlmException.NotConfigured.class,
                () -> llm.structured("s", "q", SqlAnswer.SCHEMA, null));

        assertThat(llm.configured()).isFalse();
        assertThat(e.userMessage()).contains("not configured").contains("ANTHROPIC_API_KEY");
        assertThat(probe.requests).isEmpty();
    }

    @Test
    void anAttemptForAnotherProviderThanTheConfiguredOneIsRefused() {
        AttemptProbe probe = new AttemptProbe();
        probe.configure(LlmSettings.of(LlmSettings.Provider.ANTHROPIC, "m", "k", "http://127.0.0.1:9",
                Duration.ofSeconds(1), 0, 10));
        try {
            LlmRequest request = new LlmRequest("openai_compat", "m", "http://127.0.0.1:9", "", List.of(
                    LlmMessage.user("q")), 10, null, ResponseFormat.TEXT, null, "t", 1);

            assertThatThrownBy(() -> probe.attempt(request)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("configured provider is anthropic");
        } finally {
            probe.close();
        }
    }

    @Test
    void theWeakerFormatsCarryTheSchemaInTheSystemPrompt() {
        assertThat(LlmClient.systemPrompt("Be brief.", SqlAnswer.SCHEMA, ResponseFormat.JSON_SCHEMA))
                .isEqualTo("Be brief.");
        assertThat(LlmClient.systemPrompt("Be brief.", SqlAnswer.SCHEMA, ResponseFormat.JSON_OBJECT))
                .startsWith("Be brief.\n\n").contains("JSON").contains("\"explanation\"");
        assertThat(LlmClient.systemPrompt(null, SqlAnswer.SCHEMA, ResponseFormat.TEXT)).startsWith("Answer with");
        assertThat(LlmClient.systemPrompt("Be brief.", null, ResponseFormat.TEXT)).isEqualTo("Be brief.");
    }

    @Test
    void theSettingsKeysResolveThroughTheBean() {
        AttemptProbe probe = new AttemptProbe();
        probe.settings = new Settings(key -> Optional.ofNullable(Map.of("LLM_BASE_URL", "http://127.0.0.1:9/v1",
                "LLM_MODEL", "qwen3").get(key)));
        probe.start();
        try {
            LlmClient llm = new LlmClient();
            llm.callAttempt = probe;

            assertThat(llm.configured()).isTrue();
            assertThat(llm.settings().providerName()).isEqualTo("openai_compat");
            assertThat(llm.settings().model()).isEqualTo("qwen3");
            assertThat(probe.responseFormat()).isEqualTo(ResponseFormat.JSON_SCHEMA);
        } finally {
            probe.close();
        }
    }
}
