package io.agnes.observability;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How much of the user PostHog may learn ({@code POSTHOG_IDENTIFY_PII}), exactly as the original Agnes:
 * {@code none} sends nothing about the user, {@code id} the user id, {@code email} adds the e-mail address,
 * {@code full} adds the display name. The name is never sent below {@code full}.
 */
public enum IdentifyMode {
    NONE, ID, EMAIL, FULL;

    /** The mode when {@code POSTHOG_IDENTIFY_PII} is unset or invalid. */
    public static final IdentifyMode DEFAULT = EMAIL;

    /** The property names this class may put on an event; {@link CommonProperties} removes them otherwise. */
    static final String USER_ID = "user_id";
    static final String USER_EMAIL = "user_email";
    static final String USER_NAME = "user_name";

    /**
     * The mode named by a configuration value (trimmed, any case: {@code none}, {@code id}, {@code email},
     * {@code full}); empty for anything else, so the caller can warn naming the value and use {@link #DEFAULT}.
     */
    public static Optional<IdentifyMode> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "none" -> Optional.of(NONE);
            case "id" -> Optional.of(ID);
            case "email" -> Optional.of(EMAIL);
            case "full" -> Optional.of(FULL);
            default -> Optional.empty();
        };
    }

    /** The configuration spelling: {@code none}, {@code id}, {@code email}, {@code full}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The user properties a backend event carries in this mode: none → nothing; id → {@code user_id};
     * email → + {@code user_email}; full → + {@code user_name}. A {@code null} id (anonymous) gives nothing
     * in every mode; a {@code null} e-mail or name is left out.
     */
    public Map<String, Object> userProperties(String userId, String email, String name) {
        Map<String, Object> props = new LinkedHashMap<>();
        if (this == NONE || userId == null || userId.isBlank()) {
            return props;
        }
        props.put(USER_ID, userId);
        if ((this == EMAIL || this == FULL) && email != null) {
            props.put(USER_EMAIL, email);
        }
        if (this == FULL && name != null) {
            props.put(USER_NAME, name);
        }
        return props;
    }

    /** Whether the user's own id may be the event's distinct id (every mode but {@code none}). */
    public boolean sendsUserId() {
        return this != NONE;
    }
}
