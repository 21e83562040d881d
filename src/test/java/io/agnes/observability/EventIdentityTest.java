package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventIdentityTest {

    private static final String USER = "7c9e6679-7425-40de-944b-e07fc1f90ae7";

    @Test
    void modesNameTheUserPropertiesExactlyAsTheOriginal() {
        assertThat(IdentifyMode.NONE.userProperties(USER, "ada@example.com", "Ada")).isEmpty();
        assertThat(IdentifyMode.ID.userProperties(USER, "ada@example.com", "Ada")).containsExactly(entry("user_id", USER));
        assertThat(IdentifyMode.EMAIL.userProperties(USER, "ada@example.com", "Ada"))
                .containsExactly(entry("user_id", USER), entry("user_email", "ada@example.com"));
        assertThat(IdentifyMode.FULL.userProperties(USER, "ada@example.com", "Ada"))
                .containsExactly(entry("user_id", USER), entry("user_email", "ada@example.com"), entry("user_name", "Ada"));
    }

    @Test
    void identifyModeIsParsedTrimmedInAnyCaseAndAnythingElseIsRejectedForTheCallerToWarn() {
        // original: invalid identify mode -> email (the warning is the settings' job; this says "invalid")
        assertThat(IdentifyMode.parse(" FULL ")).contains(IdentifyMode.FULL);
        assertThat(IdentifyMode.parse("none")).contains(IdentifyMode.NONE);
        assertThat(IdentifyMode.parse("everything")).isEmpty();
        assertThat(IdentifyMode.parse(null)).isEmpty();
        assertThat(IdentifyMode.DEFAULT).isEqualTo(IdentifyMode.EMAIL);
        assertThat(IdentifyMode.EMAIL.configValue()).isEqualTo("email");
    }

    @Test
    void anAuthenticatedUserIsTheDistinctIdAndAPersonEvenWhenTheBrowserSendsAnotherId() {
        EventIdentity identity = EventIdentity.forRequest(IdentifyMode.EMAIL, USER, "ada@example.com", "Ada", "browser-anon-id");

        assertThat(identity.distinctId()).isEqualTo(USER);
        assertThat(identity.person()).isTrue();
        assertThat(identity.userProperties()).containsOnlyKeys("user_id", "user_email");
    }

    @Test
    void anAnonymousRequestUsesTheBrowsersDistinctIdHeaderWithoutUserProperties() {
        EventIdentity identity = EventIdentity.forRequest(IdentifyMode.FULL, null, null, null, " 0190f3a2-browser \r\n");

        assertThat(identity.distinctId()).isEqualTo("0190f3a2-browser");
        assertThat(identity.person()).isFalse();
        assertThat(identity.userProperties()).isEmpty();
    }

    @Test
    void anAnonymousRequestWithoutHeaderIsAnonymous() {
        // original: anonymous request -> "anonymous", no user props
        EventIdentity identity = EventIdentity.forRequest(IdentifyMode.EMAIL, null, null, null, null);

        assertThat(identity.distinctId()).isEqualTo("anonymous");
        assertThat(identity.person()).isFalse();
        assertThat(identity.userProperties()).isEmpty();
    }

    @Test
    void modeNoneNeverSendsTheUserIdAsDistinctId() {
        EventIdentity withHeader = EventIdentity.forRequest(IdentifyMode.NONE, USER, "ada@example.com", "Ada", "browser-anon-id");
        EventIdentity withoutHeader = EventIdentity.forRequest(IdentifyMode.NONE, USER, "ada@example.com", "Ada", null);
        // a browser identified under an earlier "email" configuration still sends the user id as its header
        EventIdentity staleBrowser = EventIdentity.forRequest(IdentifyMode.NONE, USER, "ada@example.com", "Ada", USER);

        assertThat(withHeader.distinctId()).isEqualTo("browser-anon-id");
        assertThat(withoutHeader.distinctId()).isEqualTo("anonymous");
        assertThat(staleBrowser.distinctId()).isEqualTo("anonymous");
        assertThat(java.util.List.of(withHeader, withoutHeader, staleBrowser)).allSatisfy(identity -> {
            assertThat(identity.person()).isFalse();
            assertThat(identity.userProperties()).isEmpty();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "null", "NULL", "undefined", "0", "None", "[object Object]", "NaN", "anonymous",
            "\u0000\u001f", "distinct_id"})
    void aHeaderThatIsNoRealIdFallsBackToAnonymous(String header) {
        assertThat(EventIdentity.forRequest(IdentifyMode.EMAIL, null, null, null, header).distinctId()).isEqualTo("anonymous");
    }

    @Test
    void aLongHeaderIsCutToTwoHundredCharacters() {
        EventIdentity identity = EventIdentity.forRequest(IdentifyMode.EMAIL, null, null, null, "d".repeat(5000));

        assertThat(identity.distinctId()).hasSize(200);
    }

    @Test
    void systemCliAndAnonymousArePersonless() {
        assertThat(EventIdentity.system().distinctId()).isEqualTo("system");
        assertThat(EventIdentity.cli().distinctId()).isEqualTo("cli");
        assertThat(EventIdentity.anonymous().distinctId()).isEqualTo("anonymous");
        assertThat(java.util.List.of(EventIdentity.system(), EventIdentity.cli(), EventIdentity.anonymous()))
                .allSatisfy(identity -> assertThat(identity.person()).isFalse());
    }
}
