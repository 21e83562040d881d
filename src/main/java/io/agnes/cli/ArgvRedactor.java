package io.agnes.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from command-line arguments before they leave the machine in a failure report. The
 * original Python CLI sent argv as typed, access tokens included; this is the fix.
 *
 * <p>Three rules, applied to every argument:
 * <ol>
 *   <li>the value of a secret option — any option with token, password, secret or key as a word of its name
 *       ({@code --token X}, {@code --token=X}, {@code --api-key X}, {@code --client-secret=X} …) — becomes
 *       {@value #REDACTED};</li>
 *   <li>anything with a known secret prefix ({@code agnes_pat_…}, {@code phc_…}, {@code phx_…}), after
 *       {@code Bearer}, or after {@code token=} / {@code password=} / {@code key=} …, even inside a longer
 *       argument such as SQL text or a URL;</li>
 *   <li>any long run of token characters that looks random: mixed upper case, lower case and digits, or long
 *       hexadecimal, with high character entropy. Ordinary identifiers like {@code orders_2024_q1_summary}
 *       stay readable.</li>
 * </ol>
 */
final class ArgvRedactor {

    static final String REDACTED = "[redacted]";

    /** An option whose dash-separated name has a secret-ish word: --token, --api-key, --client-secret, --db-password. */
    private static final Pattern SECRET_OPTION = Pattern.compile("--?(?:[a-z0-9]+-)*(?:token|password|passwd|secret|key|apikey)(?:-[a-z0-9]+)*",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern KNOWN_SECRET = Pattern.compile("(?<![A-Za-z0-9])(?:agnes_pat_|phc_|phx_)[A-Za-z0-9_\\-]*|(?i:\\bbearer)\\s+\\S+");
    /** {@code token=…} in a URL query or a key=value argument. */
    private static final Pattern SECRET_ASSIGNMENT = Pattern.compile("(?i)\\b((?:access_|api_|api-)?(?:token|password|passwd|secret|key))=[^&\\s]+");
    private static final Pattern TOKEN_RUN = Pattern.compile("[A-Za-z0-9_\\-+.~]{32,}={0,2}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F-]+");

    private ArgvRedactor() {
    }

    static List<String> redact(List<String> argv) {
        List<String> out = new ArrayList<>(argv.size());
        boolean valueIsSecret = false;
        for (String arg : argv) {
            if (arg == null) {
                out.add(null);
                continue;
            }
            if (valueIsSecret) {
                out.add(REDACTED);
                valueIsSecret = false;
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq > 0 ? arg.substring(0, eq) : arg;
            if (SECRET_OPTION.matcher(name).matches()) {
                if (eq > 0) {
                    out.add(name + "=" + REDACTED);
                } else {
                    out.add(arg);
                    valueIsSecret = true;
                }
                continue;
            }
            out.add(redactText(arg));
        }
        return out;
    }

    /** Rules 2 and 3 on free text. */
    static String redactText(String text) {
        String assigned = SECRET_ASSIGNMENT.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "=" + REDACTED));
        String known = KNOWN_SECRET.matcher(assigned).replaceAll(m -> m.group().regionMatches(true, 0, "bearer", 0, 6)
                ? Matcher.quoteReplacement(m.group().substring(0, 6) + " " + REDACTED) : Matcher.quoteReplacement(REDACTED));
        return TOKEN_RUN.matcher(known).replaceAll(m -> looksRandom(m.group()) ? Matcher.quoteReplacement(REDACTED)
                : Matcher.quoteReplacement(m.group()));
    }

    /** The failure report's argv text: redacted, space-joined, capped. */
    static String forReport(List<String> argv) {
        String joined = String.join(" ", redact(argv));
        return joined.length() <= CliFailure.MAX_ARGV_CHARS ? joined : joined.substring(0, CliFailure.MAX_ARGV_CHARS - 1) + "…";
    }

    static boolean looksRandom(String run) {
        int upper = 0;
        int lower = 0;
        int digits = 0;
        for (int i = 0; i < run.length(); i++) {
            char c = run.charAt(i);
            if (Character.isUpperCase(c)) {
                upper++;
            } else if (Character.isLowerCase(c)) {
                lower++;
            } else if (Character.isDigit(c)) {
                digits++;
            }
        }
        double entropy = entropyBitsPerChar(run);
        if (HEX.matcher(run).matches()) {
            // hex secrets and ids (sha1/sha256 keys, UUID-like) carry at most 4 bits a character
            return digits >= 4 && digits < run.length() && entropy >= 3.0;
        }
        // base64/base62 secrets: all three character classes, and case spread evenly — in names and file names
        // (Quarterly_Report_2024_v2) capitals only start words, in random text about half the letters are capitals
        int letters = upper + lower;
        return digits >= 2 && letters > 0 && Math.min(upper, lower) >= 0.2 * letters && entropy >= 3.5;
    }

    static double entropyBitsPerChar(String s) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double bits = 0;
        for (int count : counts) {
            if (count > 0) {
                double p = (double) count / s.length();
                bits -= p * Math.log(p) / Math.log(2);
            }
        }
        if (other > 0) {
            double p = (double) other / s.length();
            bits -= p * Math.log(p) / Math.log(2);
        }
        return bits;
    }
}
