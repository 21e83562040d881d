package io.agnes.observability;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Whom a backend event is about: its {@code distinct_id}, whether PostHog may build a person profile for it,
 * and the user properties the identify mode allows.
 *
 * <p>Resolution for a request ({@link #forRequest}): the authenticated user's id; without one (or in mode
 * {@code none}) the sanitised {@code X-POSTHOG-DISTINCT-ID} header that posthog-js sends; else
 * {@value #ANONYMOUS}. In mode {@code none} the user's id is never the distinct id (the original leaked it
 * there); the header is still used because in that mode the browser never calls {@code identify}, so the
 * header holds posthog-js's own random id, which PostHog already knows from the browser's events. One guard:
 * a browser identified under an earlier, more open configuration keeps the user id in posthog-js storage and
 * sends it as the header, so a header equal to the user's id falls back to {@value #ANONYMOUS} in mode
 * {@code none}.
 *
 * <p>Only an authenticated user's id in a mode that sends it is a person; every other id ({@value #SYSTEM},
 * {@value #ANONYMOUS}, {@value #CLI}, a header value) gets {@code $process_person_profile: false}, so backend
 * errors never create or merge person profiles.
 *
 * @param distinctId     never null, empty, {@code null}/{@code undefined}/{@code 0}, at most 200 characters
 * @param person         whether the id is an identified user (person profile processed)
 * @param userProperties {@code user_id}, {@code user_email}, {@code user_name} as the identify mode allows
 */
public record EventIdentity(String distinctId, boolean person, Map<String, Object> userProperties) {

    public static final String SYSTEM = "system";
    public static final String ANONYMOUS = "anonymous";
    public static final String CLI = "cli";

    /** PostHog truncates longer ids and drops ids over 400 characters. */
    public static final int MAX_DISTINCT_ID_CHARS = 200;

    /**
     * Ids PostHog refuses to merge persons on, or that a buggy client sends when it has no id; compared
     * case-insensitively after trimming. Such a header is ignored.
     */
    private static final Set<String> UNUSABLE_IDS = Set.of("", "null", "undefined", "0", "-1", "none", "nan",
            "[object object]", "anonymous", "guest", "distinctid", "distinct_id", "id", "not_authenticated", "email",
            "true", "false");

    public EventIdentity {
        Objects.requireNonNull(distinctId, "distinctId");
        userProperties = Map.copyOf(userProperties);
    }

    /** Jobs, the orchestrator and other work nobody asked for. */
    public static EventIdentity system() {
        return new EventIdentity(SYSTEM, false, Map.of());
    }

    /** The {@code da} command-line tool. */
    public static EventIdentity cli() {
        return new EventIdentity(CLI, false, Map.of());
    }

    public static EventIdentity anonymous() {
        return new EventIdentity(ANONYMOUS, false, Map.of());
    }

    /**
     * The identity of an event raised while serving a request.
     *
     * @param mode              the configured identify mode
     * @param userId            the authenticated user's id, {@code null} when anonymous
     * @param email             the user's e-mail, may be {@code null}
     * @param name              the user's display name, may be {@code null}
     * @param distinctIdHeader  the raw {@code X-POSTHOG-DISTINCT-ID} header, may be {@code null}
     */
    public static EventIdentity forRequest(IdentifyMode mode, String userId, String email, String name,
            String distinctIdHeader) {
        Objects.requireNonNull(mode, "mode");
        String user = usableId(userId);
        Map<String, Object> userProps = mode.userProperties(user, email, name);
        if (user != null && mode.sendsUserId()) {
            return new EventIdentity(user, true, userProps);
        }
        String header = usableId(distinctIdHeader);
        if (header != null && !(user != null && header.equals(user))) {
            return new EventIdentity(header, false, userProps);
        }
        return new EventIdentity(ANONYMOUS, false, userProps);
    }

    /**
     * {@code raw} without control characters, trimmed and cut to {@value #MAX_DISTINCT_ID_CHARS} characters;
     * {@code null} when nothing usable is left.
     */
    static String usableId(String raw) {
        String clean = HeaderValues.sanitise(raw, MAX_DISTINCT_ID_CHARS);
        if (clean == null || UNUSABLE_IDS.contains(clean.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return clean;
    }
}
