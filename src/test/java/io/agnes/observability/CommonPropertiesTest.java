package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommonPropertiesTest {

    private final CommonProperties common = new CommonProperties("production", "1.4.2", "0.1.0");

    @Test
    void everyEventCarriesEnvironmentReleaseLibraryAndNoGeolocation() {
        Map<String, Object> props = common.apply(Map.of("component", "orchestrator"), EventIdentity.system());

        assertThat(props).contains(entry("component", "orchestrator"), entry("environment", "production"),
                entry("release", "1.4.2"), entry("$lib", "agnes-server"), entry("$lib_version", "0.1.0"),
                entry("$geoip_disable", true));
    }

    @Test
    void releaseIsAbsentWhenUnknown() {
        // original: nothing set -> environment "unknown" and no release
        Map<String, Object> props = new CommonProperties("unknown", null, "dev").apply(Map.of(), EventIdentity.system());

        assertThat(props).containsEntry("environment", "unknown").doesNotContainKey("release");
        assertThat(new CommonProperties("unknown", " ", "dev").apply(Map.of(), EventIdentity.system()))
                .doesNotContainKey("release");
    }

    @Test
    void environmentAndReleaseOverrideTheEventsOwnProperties() {
        Map<String, Object> props = common.apply(Map.of("environment", "spoofed", "release", "0.0.0"), EventIdentity.system());

        assertThat(props).contains(entry("environment", "production"), entry("release", "1.4.2"));
    }

    @Test
    void idsThatAreNoIdentifiedUserCreateNoPersonProfile() {
        assertThat(common.apply(Map.of(), EventIdentity.system())).containsEntry("$process_person_profile", false);
        assertThat(common.apply(Map.of(), EventIdentity.cli())).containsEntry("$process_person_profile", false);
        assertThat(common.apply(Map.of(), EventIdentity.anonymous())).containsEntry("$process_person_profile", false);
        assertThat(common.apply(Map.of(), EventIdentity.forRequest(IdentifyMode.EMAIL, null, null, null, "browser-id")))
                .containsEntry("$process_person_profile", false);
        assertThat(common.apply(Map.of(), EventIdentity.forRequest(IdentifyMode.ID, "u-1", null, null, null)))
                .doesNotContainKey("$process_person_profile");
    }

    @Test
    void userPropertiesFollowTheIdentityModeEvenIfTheEventTriedToSetThem() {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("user_name", "Ada");
        event.put("user_email", "ada@example.com");
        event.put("path", "/x");

        Map<String, Object> props = common.apply(event,
                EventIdentity.forRequest(IdentifyMode.ID, "u-1", "ada@example.com", "Ada", null));

        assertThat(props).containsEntry("user_id", "u-1").containsEntry("path", "/x")
                .doesNotContainKeys("user_name", "user_email");
        assertThat(event).containsKey("user_name"); // the caller's map is not modified
    }
}
