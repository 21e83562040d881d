package io.agnes.observability;

/**
 * Finds, one unit at a time, the end of an HTML head ({@code </head>}) and the double-injection guard
 * ({@code posthog.init}) in a body that arrives in pieces of any size.
 *
 * <p>A unit is a {@code char} of the writer path or a byte (0-255) of the stream path; the patterns are ASCII, so
 * the same matcher serves both as long as the stream's charset encodes ASCII as itself (UTF-8 and the single-byte
 * charsets do: a byte of a multi-byte UTF-8 character is always 0x80 or above and never matches).
 *
 * <ul>
 *   <li>{@code </head>}: ASCII case-insensitive ({@code </HEAD>}), with HTML whitespace allowed before the
 *       {@code >} ({@code </head >}, {@code </head\n>}), at most {@value #MAX_WHITESPACE} units of it. Not
 *       {@code </header>}: after {@code </head} only whitespace or {@code >} continue the match.</li>
 *   <li>{@code posthog.init}: case-sensitive, like the JavaScript it is.</li>
 * </ul>
 *
 * <p>{@link #pending()} says how many of the last units fed could still be the start of {@code </head>}: the
 * caller holds exactly those back (its look-behind window, never more than {@link #MAX_PENDING}) so that it can
 * insert before the {@code <} once the {@code >} arrives. Neither pattern overlaps itself except through its first
 * character, so a failed partial match restarts at the current unit or nowhere. Not thread-safe.
 */
final class StreamingHeadMatcher {

    /** What the unit just fed completed. */
    enum Found { NOTHING, HEAD_END, POSTHOG_INIT }

    /** Whitespace tolerated between {@code </head} and {@code >}; more is not a head end Agnes cares about. */
    static final int MAX_WHITESPACE = 64;

    private static final char[] END_TAG = {'<', '/', 'h', 'e', 'a', 'd'};
    private static final char[] GUARD = "posthog.init".toCharArray();

    /** The largest look-behind window: {@code </head} plus its whitespace (the {@code >} completes the match). */
    static final int MAX_PENDING = END_TAG.length + MAX_WHITESPACE;

    private int tagMatched;
    private int whitespace;
    private int guardMatched;
    private int matchLength;

    Found feed(int unit) {
        if (advanceGuard(unit)) {
            return Found.POSTHOG_INIT;
        }
        if (tagMatched < END_TAG.length) {
            if (lowerAscii(unit) == END_TAG[tagMatched]) {
                tagMatched++;
            } else {
                restartTag(unit);
            }
            return Found.NOTHING;
        }
        if (unit == '>') {
            matchLength = END_TAG.length + whitespace + 1;
            tagMatched = 0;
            whitespace = 0;
            return Found.HEAD_END;
        }
        if (isHtmlWhitespace(unit) && whitespace < MAX_WHITESPACE) {
            whitespace++;
        } else {
            restartTag(unit);
        }
        return Found.NOTHING;
    }

    /**
     * No match is under way: feeding a unit that cannot start one ({@link #startsMatch}) changes nothing and finds
     * nothing, so a caller may skip such units without feeding them.
     */
    boolean idle() {
        return tagMatched == 0 && guardMatched == 0;
    }

    /** Whether a unit can start a match: the first of {@code </head} or of {@code posthog.init}. */
    static boolean startsMatch(int unit) {
        return unit == '<' || unit == 'p';
    }

    /** The index of the first unit in {@code units[from, to)} that {@link #startsMatch}, or {@code to}. */
    static int nextMatchStart(byte[] units, int from, int to) {
        int i = from;
        while (i < to && !startsMatch(units[i])) {
            i++;
        }
        return i;
    }

    /** The index of the first unit in {@code units[from, to)} that {@link #startsMatch}, or {@code to}. */
    static int nextMatchStart(char[] units, int from, int to) {
        int i = from;
        while (i < to && !startsMatch(units[i])) {
            i++;
        }
        return i;
    }

    /** The index of the first unit in {@code units[from, to)} that {@link #startsMatch}, or {@code to}. */
    static int nextMatchStart(CharSequence units, int from, int to) {
        int i = from;
        while (i < to && !startsMatch(units.charAt(i))) {
            i++;
        }
        return i;
    }

    /** The last units fed that may still begin {@code </head…>}: hold them back, they may need a snippet before them. */
    int pending() {
        return tagMatched + whitespace;
    }

    /** After {@link Found#HEAD_END}: the units of the whole tag, {@code </head} to {@code >}, the last fed included. */
    int matchLength() {
        return matchLength;
    }

    void reset() {
        tagMatched = 0;
        whitespace = 0;
        guardMatched = 0;
        matchLength = 0;
    }

    private boolean advanceGuard(int unit) {
        if (unit == GUARD[guardMatched]) {
            if (++guardMatched == GUARD.length) {
                guardMatched = 0;
                return true;
            }
        } else {
            guardMatched = unit == GUARD[0] ? 1 : 0;
        }
        return false;
    }

    private void restartTag(int unit) {
        tagMatched = unit == '<' ? 1 : 0;
        whitespace = 0;
    }

    private static int lowerAscii(int unit) {
        return unit >= 'A' && unit <= 'Z' ? unit + ('a' - 'A') : unit;
    }

    /** The HTML spec's ASCII whitespace: tab, line feed, form feed, carriage return, space. */
    private static boolean isHtmlWhitespace(int unit) {
        return unit == ' ' || unit == '\t' || unit == '\n' || unit == '\f' || unit == '\r';
    }
}
