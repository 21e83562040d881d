package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The original's exception-forwarding tests, on the properties the 500 mapper will send: the builders of
 * this package composed the way the mapper composes them.
 */
class RequestExceptionEventTest {

    private static final String USER = "5d2c1a4e-0000-4000-8000-000000000001";
    private static final CommonProperties COMMON = new CommonProperties("staging", "2.0.0", "0.1.0");

    private record Sent(String distinctId, Map<String, Object> properties) {
    }

    /** What the 500 mapper does: request facts + exception + identity + common properties. */
    private static Sent unhandled500(IdentifyMode mode, boolean loggedIn) {
        RequestProperties request = new RequestProperties("GET", "/api/debug/throw", "https", "agnes.example.com", 443,
                "Mozilla/5.0", "abc123def456", "sess-1", "win-1", "browser-anon-id");
        Map<String, Object> props = new LinkedHashMap<>(request.toProperties());
        props.putAll(ExceptionProperties.of(new IllegalArgumentException("boom"), false));
        EventIdentity identity = loggedIn
                ? EventIdentity.forRequest(mode, USER, "ada@example.com", "Ada Lovelace", request.distinctIdHeader())
                : EventIdentity.forRequest(mode, null, null, null, null);
        return new Sent(identity.distinctId(), COMMON.apply(props, identity));
    }

    @Test
    void anUnhandledErrorIsForwardedWithPathMethodAndUserPropsButNoNameInEmailMode() {
        Sent sent = unhandled500(IdentifyMode.EMAIL, true);

        assertThat(sent.distinctId()).isEqualTo(USER);
        assertThat(sent.properties()).contains(entry("path", "/api/debug/throw"), entry("method", "GET"),
                entry("request_id", "abc123def456"), entry("user_id", USER), entry("user_email", "ada@example.com"),
                entry("$session_id", "sess-1"), entry("environment", "staging"), entry("$geoip_disable", true))
                .containsKey("$exception_list")
                .doesNotContainKeys("user_name", "$process_person_profile");
    }

    @Test
    void fullModeAddsTheName() {
        assertThat(unhandled500(IdentifyMode.FULL, true).properties())
                .contains(entry("user_id", USER), entry("user_email", "ada@example.com"), entry("user_name", "Ada Lovelace"));
    }

    @Test
    void idModeSendsTheIdOnly() {
        assertThat(unhandled500(IdentifyMode.ID, true).properties()).containsEntry("user_id", USER)
                .doesNotContainKeys("user_email", "user_name");
    }

    @Test
    void noneModeAddsNoUserPropsAndNeverTheUserIdAsDistinctId() {
        Sent sent = unhandled500(IdentifyMode.NONE, true);

        assertThat(sent.properties()).doesNotContainKeys("user_id", "user_email", "user_name")
                .containsEntry("$process_person_profile", false);
        assertThat(sent.distinctId()).isEqualTo("browser-anon-id");
        assertThat(EventJson.write(sent.properties())).doesNotContain(USER).doesNotContain("ada@example.com");
    }

    @Test
    void anAnonymousRequestIsSentAsAnonymousWithoutUserProps() {
        Sent sent = unhandled500(IdentifyMode.EMAIL, false);

        assertThat(sent.distinctId()).isEqualTo("anonymous");
        assertThat(sent.properties()).doesNotContainKeys("user_id", "user_email", "user_name")
                .containsEntry("$process_person_profile", false).containsEntry("path", "/api/debug/throw");
    }
}
