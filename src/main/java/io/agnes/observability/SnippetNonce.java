package io.agnes.observability;

import java.util.Collection;
import java.util.Locale;
import java.util.regex.Pattern;

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

    private static final Pattern NONCE_VALUE = Pattern.compile("[A-Za-z0-9+/_=-]+");
    private static final String[] GOVERNING = {"script-src-elem", "script-src", "default-src"};

    private SnippetNonce() {
    }

    /** @return the nonce, or {@code null} when no policy offers one */
    static String of(Collection<String> policyHeaders) {
        for (String header : policyHeaders) {
            for (String policy : header.split(",")) {
                String nonce = nonceOfPolicy(policy);
                if (nonce != null) {
                    return nonce;
                }
            }
        }
        return null;
    }

    private static String nonceOfPolicy(String policy) {
        String[] directives = policy.split(";");
        for (String governing : GOVERNING) {
            for (String directive : directives) {
                String[] tokens = directive.trim().split("[ \t\n\f\r]+");
                if (tokens[0].toLowerCase(Locale.ROOT).equals(governing)) {
                    // the governing directive decides even when it has no nonce: a fallback would not apply
                    return nonceOfSources(tokens);
                }
            }
        }
        return null;
    }

    private static String nonceOfSources(String[] tokens) {
        for (int i = 1; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.length() > "'nonce-'".length() && token.regionMatches(true, 0, "'nonce-", 0, 7)
                    && token.endsWith("'")) {
                String value = token.substring(7, token.length() - 1);
                if (NONCE_VALUE.matcher(value).matches()) {
                    return value;
                }
            }
        }
        return null;
    }
}
