package io.agnes.observability;

import java.util.regex.Pattern;

/**
 * Client-supplied header values made safe to put on an event, the way PostHog's Django and Express
 * integrations treat the {@code X-POSTHOG-*} headers: control characters U+0000–U+001F and U+007F–U+009F
 * removed, trimmed, capped, and ignored when nothing is left.
 */
public final class HeaderValues {

    /** The cap PostHog's integrations apply to the tracing headers. */
    public static final int MAX_CHARS = 1000;

    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1f\\x7f-\\x9f]");

    private HeaderValues() {
    }

    /** {@code raw} cleaned and cut to {@link #MAX_CHARS}; {@code null} when absent or empty after cleaning. */
    public static String sanitise(String raw) {
        return sanitise(raw, MAX_CHARS);
    }

    /** {@code raw} cleaned and cut to {@code maxChars} characters; {@code null} when absent or empty after cleaning. */
    public static String sanitise(String raw, int maxChars) {
        if (raw == null) {
            return null;
        }
        // most values have no control character: no regex run for them (user ids, on every page)
        String clean = (hasControl(raw) ? CONTROL.matcher(raw).replaceAll("") : raw).strip();
        if (clean.isEmpty()) {
            return null;
        }
        return cut(clean, maxChars).strip();
    }

    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x1f || c >= 0x7f && c <= 0x9f) {
                return true;
            }
        }
        return false;
    }

    /** The first {@code maxChars} code points of {@code s} (never half a surrogate pair). */
    static String cut(String s, int maxChars) {
        if (s.length() <= maxChars) {
            return s;
        }
        int points = s.codePointCount(0, s.length());
        return points <= maxChars ? s : s.substring(0, s.offsetByCodePoints(0, maxChars));
    }
}
