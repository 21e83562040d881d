package io.agnes.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How pages show times, durations and counts: short, unambiguous (always UTC, named as such) and the
 * same on every page. A missing value shows as a dash, so views need no null checks.
 */
public final class Display {

    public static final String NONE = "—";
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Display() {
    }

    /** {@code 2024-01-31 13:45:07 UTC}. */
    public static String instant(Instant instant) {
        return instant == null ? NONE : TIMESTAMP.format(instant);
    }

    /** {@code 850 ms}, {@code 12.3 s}, {@code 2 min 05 s}, {@code 1 h 02 min}. */
    public static String duration(Long millis) {
        if (millis == null || millis < 0) {
            return NONE;
        }
        if (millis < 1_000) {
            return millis + " ms";
        }
        long tenths = Math.round(millis / 100.0);
        if (tenths < 600) { // 59,970 ms shows as 1 min 00 s, not as 60.0 s
            return String.format(Locale.ROOT, "%d.%d s", tenths / 10, tenths % 10);
        }
        long seconds = Math.round(millis / 1000.0);
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }

    /** {@code 1,234,567}. */
    public static String count(Long count) {
        return count == null ? NONE : String.format(Locale.ENGLISH, "%,d", count);
    }
}
