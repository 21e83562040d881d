package io.agnes.observability;

import java.util.Collection;

/**
 * The nonce a response's Content-Security-Policy allows for script elements, so the injected {@code <script>} can
 * carry it ({@code nonce="…"}); a hash cannot work, the snippet differs per user.
 *
 * <p>Per CSP Level 3 the directive governing a {@code <script>} element is {@code script-src-elem}, else
 * {@code script-src}, else {@code default-src}. The first policy (header line, or comma-separated policy within
 * one) whose governing directive lists a {@code 'nonce-…'} source gives the nonce. Only base64 / base64url
 * characters are accepted, so the value is safe inside an HTML attribute as it is.
 */
final class SnippetNonce {

    private static final String[] GOVERNING = {"script-src-elem", "script-src", "default-src"};
    private static final String NONCE_PREFIX = "'nonce-";

    private SnippetNonce() {
    }

    /** @return the nonce, or {@code null} when no policy offers one */
    static String of(Collection<String> policyHeaders) {
        // scanned by hand, not split by regular expressions: this runs for every page served
        for (String header : policyHeaders) {
            for (int from = 0; from <= header.length(); ) {
                int to = end(header, ',', from, header.length());
                String nonce = nonceOfPolicy(header, from, to);
                if (nonce != null) {
                    return nonce;
                }
                from = to + 1;
            }
        }
        return null;
    }

    /** The nonce of the policy {@code s[from, to)}, or null. */
    private static String nonceOfPolicy(String s, int from, int to) {
        for (String governing : GOVERNING) {
            for (int directive = from; directive < to; ) {
                int directiveEnd = end(s, ';', directive, to);
                int name = skipSpace(s, directive, directiveEnd);
                int nameEnd = tokenEnd(s, name, directiveEnd);
                if (nameEnd - name == governing.length() && s.regionMatches(true, name, governing, 0, nameEnd - name)) {
                    // the governing directive decides even when it has no nonce: a fallback would not apply
                    return nonceOfSources(s, nameEnd, directiveEnd);
                }
                directive = directiveEnd + 1;
            }
        }
        return null;
    }

    /** The first valid {@code 'nonce-…'} among the source expressions {@code s[from, to)}, or null. */
    private static String nonceOfSources(String s, int from, int to) {
        for (int token = skipSpace(s, from, to); token < to; token = skipSpace(s, token, to)) {
            int tokenEnd = tokenEnd(s, token, to);
            if (tokenEnd - token > NONCE_PREFIX.length() + 1 && s.charAt(tokenEnd - 1) == '\''
                    && s.regionMatches(true, token, NONCE_PREFIX, 0, NONCE_PREFIX.length())
                    && base64(s, token + NONCE_PREFIX.length(), tokenEnd - 1)) {
                return s.substring(token + NONCE_PREFIX.length(), tokenEnd - 1);
            }
            token = tokenEnd;
        }
        return null;
    }

    /** Base64 or base64url characters only, so the value is safe inside an HTML attribute as it is. */
    static boolean base64(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                    || c == '_' || c == '=' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static int end(String s, char separator, int from, int to) {
        int at = s.indexOf(separator, from);
        return at < 0 || at > to ? to : at;
    }

    private static int skipSpace(String s, int from, int to) {
        int i = from;
        while (i < to && space(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int tokenEnd(String s, int from, int to) {
        int i = from;
        while (i < to && !space(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** CSP's ASCII whitespace. */
    private static boolean space(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }
}
