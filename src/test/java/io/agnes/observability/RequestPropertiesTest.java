package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestPropertiesTest {

    private static RequestProperties request(String path, String sessionHeader) {
        return new RequestProperties("POST", path, "https", "agnes.example.com", 443, "Mozilla/5.0 (X11)", "req-123",
                sessionHeader, "window-9", "browser-id");
    }

    @Test
    void aRequestGivesTheOriginalsAndPostHogsRequestProperties() {
        Map<String, Object> props = request("/api/query", "session-1").toProperties();

        assertThat(props).containsExactly(
                entry("request_id", "req-123"),
                entry("path", "/api/query"),
                entry("method", "POST"),
                entry("$current_url", "https://agnes.example.com/api/query"),
                entry("$request_method", "POST"),
                entry("$request_path", "/api/query"),
                entry("$user_agent", "Mozilla/5.0 (X11)"),
                entry("$session_id", "session-1"),
                entry("$window_id", "window-9"));
    }

    @Test
    void theCurrentUrlHasNoQueryStringFragmentOrSessionIdInThePath() {
        Map<String, Object> props = request("/catalog;jsessionid=SECRET123/tables;v=2?token=abc#top", null).toProperties();

        assertThat(props).containsEntry("$current_url", "https://agnes.example.com/catalog/tables")
                .containsEntry("path", "/catalog/tables").containsEntry("$request_path", "/catalog/tables");
        assertThat(EventJson.write(props)).doesNotContain("SECRET123").doesNotContain("token").doesNotContain("abc");
    }

    @Test
    void aNonDefaultPortIsKeptAndADefaultOneLeftOut() {
        RequestProperties local = new RequestProperties("get", "/", "http", "127.0.0.1", 8080, null, "r", null, null, null);
        RequestProperties plain = new RequestProperties("GET", "/", "http", "Agnes.Example.com", 80, null, "r", null, null, null);
        RequestProperties ipv6 = new RequestProperties("GET", "/x", "http", "::1", 8080, null, "r", null, null, null);

        assertThat(local.toProperties()).containsEntry("$current_url", "http://127.0.0.1:8080/").containsEntry("method", "GET");
        assertThat(plain.toProperties()).containsEntry("$current_url", "http://agnes.example.com/");
        assertThat(ipv6.toProperties()).containsEntry("$current_url", "http://[::1]:8080/x");
    }

    @Test
    void aForgedHostLeavesTheUrlOutRatherThanSendingIt() {
        RequestProperties forged = new RequestProperties("GET", "/", "https", "evil.com/<script>", 443, null, "r", null, null, null);

        assertThat(forged.toProperties()).doesNotContainKey("$current_url").containsEntry("path", "/");
    }

    @Test
    void tracingHeadersAreSanitisedLikePostHogsIntegrations() {
        String header = "  \u0000abc\u001f-\u007f\u0085def\u009f \t";

        assertThat(HeaderValues.sanitise(header)).isEqualTo("abc-def");
        assertThat(HeaderValues.sanitise("s".repeat(5000))).hasSize(1000);
        assertThat(HeaderValues.sanitise(" \r\n\u0000 ")).isNull();
        assertThat(HeaderValues.sanitise(null)).isNull();
    }

    @Test
    void emptyTracingHeadersAreIgnored() {
        RequestProperties noSession = new RequestProperties("GET", "/", "https", "h", 443, " \t ", "r", "\r\n", "", null);

        assertThat(noSession.toProperties()).doesNotContainKeys("$session_id", "$window_id", "$user_agent");
    }

    @Test
    void controlCharactersInTheSessionHeaderCannotForgeAnotherValue() {
        Map<String, Object> props = request("/", "sess\r\nX-Evil: 1").toProperties();

        assertThat(props).containsEntry("$session_id", "sessX-Evil: 1");
    }
}
