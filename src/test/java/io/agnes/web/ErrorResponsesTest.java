package io.agnes.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorResponsesTest {

    @Test
    void internalErrorBodiesCarryTheRequestIdAndTheMessageOnlyWhenGiven() {
        assertThat(ErrorResponses.internalErrorJson("r1", null))
                .isEqualTo("{\"detail\":\"Internal server error\",\"request_id\":\"r1\"}");
        assertThat(ErrorResponses.internalErrorJson("r1", "bad \"quote\"\n"))
                .isEqualTo("{\"detail\":\"Internal server error\",\"request_id\":\"r1\",\"error\":\"bad \\\"quote\\\"\\n\"}");
    }

    @Test
    void jsonStringsAreSafeEvenInsideAScriptTag() {
        assertThat(Json.quote("</script><b>&'\u2028")).isEqualTo("\"\\u003c/script\\u003e\\u003cb\\u003e\\u0026'\\u2028\"");
        assertThat(Json.quote("\u0001")).isEqualTo("\"\\u0001\"");
        assertThat(Json.quote(null)).isEqualTo("null");
    }

    @Test
    void htmlPagesEscapeWhatTheyShow() {
        String page = ErrorResponses.html(404, "<img src=x onerror=alert(1)>", "id\"1");
        assertThat(page).startsWith("<!DOCTYPE html>").contains("Page not found")
                .contains("&lt;img src=x onerror=alert(1)&gt;").contains("id&quot;1").doesNotContain("<img");
    }

    @Test
    void apiPathsAreTheApiAndNothingElse() {
        assertThat(ErrorResponses.isApiPath("/api/me")).isTrue();
        assertThat(ErrorResponses.isApiPath("/api")).isTrue();
        assertThat(ErrorResponses.isApiPath("/apis")).isFalse();
        assertThat(ErrorResponses.isApiPath("/tokens")).isFalse();
    }

    @Test
    void debugKindsMapToJavaExceptionsAndUnknownKindsToRuntimeException() {
        assertThat(DebugErrors.of("ValueError", "m")).isInstanceOf(IllegalArgumentException.class).hasMessage("m");
        assertThat(DebugErrors.of("KeyError", null)).isInstanceOf(java.util.NoSuchElementException.class);
        assertThat(DebugErrors.of("ArithmeticException", "x")).isInstanceOf(ArithmeticException.class);
        assertThat(DebugErrors.of("System.exit", "x").getClass()).isEqualTo(RuntimeException.class);
    }
}
