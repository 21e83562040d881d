package io.agnes.observability;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts long texts the way the original Agnes did, so a reviewer sees how much is missing: the first
 * {@code N} characters, then {@code …[truncated M chars]} (one U+2026 character; {@code M} = characters cut,
 * plain digits without separators).
 *
 * <p>Characters are counted as code points (what the original's Python {@code len} counted), so a cut never
 * splits a surrogate pair and the result is always valid UTF-16, hence valid JSON once escaped.
 *
 * <p>A text that already ends with the marker is cut again from the text it stood for: truncating
 * "{@code abc…[truncated 10 chars]}" to 2 gives "{@code ab…[truncated 11 chars]}", never a second marker.
 * That is what lets {@link EventShrinker} halve a cap repeatedly and still report the exact number cut.
 */
public final class PayloadTruncation {

    /** {@code POSTHOG_LLM_PAYLOAD_MAX_CHARS} when unset or invalid. */
    public static final int DEFAULT_MAX_CHARS = 30_000;

    static final String ELLIPSIS = "\u2026";
    private static final Pattern TRAILING_MARKER = Pattern.compile("\u2026\\[truncated (\\d{1,10}) chars]\\z");

    private PayloadTruncation() {
    }

    /** The marker appended after the kept characters when {@code cut} characters were removed. */
    public static String marker(long cut) {
        return ELLIPSIS + "[truncated " + cut + " chars]";
    }

    /**
     * {@code text} unchanged when it has at most {@code maxChars} characters, else its first {@code maxChars}
     * characters followed by the marker; {@code null} stays {@code null}.
     *
     * @throws IllegalArgumentException when {@code maxChars} is negative
     */
    public static String truncate(String text, int maxChars) {
        if (maxChars < 0) {
            throw new IllegalArgumentException("maxChars must not be negative: " + maxChars);
        }
        if (text == null) {
            return null;
        }
        // cheap exit for the common case: fewer UTF-16 units than the cap means fewer code points too
        if (text.length() <= maxChars) {
            return text;
        }
        String kept = text;
        long alreadyCut = 0;
        Matcher previous = TRAILING_MARKER.matcher(text);
        if (previous.find()) {
            kept = text.substring(0, previous.start());
            alreadyCut = Long.parseLong(previous.group(1));
        }
        int keptPoints = kept.codePointCount(0, kept.length());
        if (keptPoints <= maxChars) {
            // the text is only over the cap because of its own marker: already as short as asked
            return text;
        }
        int end = kept.offsetByCodePoints(0, maxChars);
        return kept.substring(0, end) + marker(keptPoints - maxChars + alreadyCut);
    }

    /** How many characters {@code text} stood for before truncation (its length when it carries no marker). */
    public static long originalLength(String text) {
        Matcher previous = TRAILING_MARKER.matcher(text);
        if (previous.find()) {
            String kept = text.substring(0, previous.start());
            return kept.codePointCount(0, kept.length()) + Long.parseLong(previous.group(1));
        }
        return text.codePointCount(0, text.length());
    }
}
