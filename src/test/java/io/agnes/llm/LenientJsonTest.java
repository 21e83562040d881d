package io.agnes.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LenientJsonTest {

    @Test
    void readsABareObject() {
        assertThat(LenientJson.parseObject("{\"a\":1}").getInt("a")).isEqualTo(1);
    }

    @Test
    void readsTheObjectInsideACodeFenceWithProseAround() {
        String answer = "Here is {roughly} the answer:\n```json\n{\"sql\":\"SELECT '}' AS brace\",\"n\":{\"x\":[1,2]}}\n```\n"
                + "Let me know {if} that helps.";

        assertThat(LenientJson.parseObject(answer).getString("sql")).isEqualTo("SELECT '}' AS brace");
    }

    @Test
    void takesTheOutermostObjectAndSkipsBracesInStrings() {
        String answer = "Sure: {\"sql\": \"SELECT '{\\\"' || x\", \"inner\": {\"a\": \"}\"}} trailing {junk}";

        assertThat(LenientJson.parseObject(answer).getJsonObject("inner").getString("a")).isEqualTo("}");
    }

    @Test
    void aFenceWithoutLanguageWorksToo() {
        assertThat(LenientJson.parseObject("```\n{\"a\":\"b\"}\n```").getString("a")).isEqualTo("b");
    }

    @Test
    void saysWhatIsWrongWhenThereIsNoObject() {
        assertThatThrownBy(() -> LenientJson.parseObject("  ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> LenientJson.parseObject("I cannot answer that.")).hasMessageContaining("no complete");
        assertThatThrownBy(() -> LenientJson.parseObject("{\"sql\": \"SELECT")).hasMessageContaining("no complete");
        assertThatThrownBy(() -> LenientJson.parseObject("{sql: 1}")).hasMessageContaining("malformed");
    }
}
