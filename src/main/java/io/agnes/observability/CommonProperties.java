package io.agnes.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What every backend event carries, whoever sends it: {@code environment}, {@code release} (absent when
 * unknown), {@code $lib}/{@code $lib_version}, {@code $geoip_disable: true} (a server event must not be
 * geolocated to the server's address) and {@code $process_person_profile: false} for ids that are not an
 * identified user.
 *
 * <p>Made once from the resolved configuration, then applied to each event. As in the original, these
 * override a same-named event property: an event cannot claim another environment or release.
 *
 * @param environment the resolved {@code environment} label (never null; the original's last resort is {@code unknown})
 * @param release     the resolved release, or {@code null} to leave the property out
 * @param libVersion  the Agnes version that sends the events ({@code $lib_version})
 */
public record CommonProperties(String environment, String release, String libVersion) {

    /** {@code $lib}: PostHog shows it as the sending library; the events are built here, not by an SDK. */
    public static final String LIB = "agnes-server";

    public CommonProperties {
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(libVersion, "libVersion");
        release = release == null || release.isBlank() ? null : release;
    }

    /**
     * A new property map: {@code properties} in their order, the user properties of {@code identity}, then the
     * common properties. {@code user_id}/{@code user_email}/{@code user_name} in {@code properties} are
     * replaced by what the identity's mode allows, so no caller can send a name below {@code full} or an id in
     * {@code none} by accident.
     */
    public Map<String, Object> apply(Map<String, Object> properties, EventIdentity identity) {
        Objects.requireNonNull(identity, "identity");
        Map<String, Object> merged = new LinkedHashMap<>(properties == null ? Map.of() : properties);
        merged.remove(IdentifyMode.USER_ID);
        merged.remove(IdentifyMode.USER_EMAIL);
        merged.remove(IdentifyMode.USER_NAME);
        merged.putAll(identity.userProperties());
        merged.put("environment", environment);
        if (release != null) {
            merged.put("release", release);
        }
        merged.put("$lib", LIB);
        merged.put("$lib_version", libVersion);
        merged.put("$geoip_disable", true);
        if (!identity.person()) {
            merged.put("$process_person_profile", false);
        }
        return merged;
    }
}
