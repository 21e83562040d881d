package io.agnes.web;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The Content-Security-Policy of Agnes' responses: scripts, styles, images and connections from Agnes' own origin
 * only, plus exactly the extra sources another feature asks for (PostHog's hosts, when that integration is on).
 * Agnes' pages have no inline script, style or event handler, so nothing needs {@code 'unsafe-inline'}; a script
 * that is inserted into a page (the PostHog snippet) is allowed by the response's nonce.
 *
 * @param mode          {@code AGNES_CONTENT_SECURITY_POLICY}
 * @param extraScripts  sources added to {@code script-src}
 * @param extraConnects sources added to {@code connect-src}
 * @param withNonce     whether each response gets a fresh {@code 'nonce-…'} in {@code script-src}
 */
public record ContentSecurityPolicy(Mode mode, List<String> extraScripts, List<String> extraConnects, boolean withNonce) {

    /** How the policy is sent. */
    public enum Mode {
        /** {@code Content-Security-Policy}: the browser blocks what the policy does not allow. */
        ENFORCE("Content-Security-Policy"),
        /** {@code Content-Security-Policy-Report-Only}: the browser only reports violations (in its console). */
        REPORT_ONLY("Content-Security-Policy-Report-Only"),
        /** No header. */
        OFF(null);

        private final String header;

        Mode(String header) {
            this.header = header;
        }

        /** The response header, {@code null} for {@link #OFF}. */
        public String header() {
            return header;
        }

        /** {@code AGNES_CONTENT_SECURITY_POLICY}: {@code enforce}, {@code report-only} or {@code off}; a bad value warns and enforces. */
        static Mode from(Settings settings) {
            String value = settings.string(Setting.AGNES_CONTENT_SECURITY_POLICY).trim();
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "enforce", "on", "" -> ENFORCE;
                case "report-only", "report_only" -> REPORT_ONLY;
                case "off", "none" -> OFF;
                default -> {
                    settings.warnOnce(Setting.AGNES_CONTENT_SECURITY_POLICY, value, "enforce (expected enforce, report-only or off)");
                    yield ENFORCE;
                }
            };
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    public ContentSecurityPolicy {
        // 'self' is always there; a feature naming it again (a same-origin proxy) adds nothing
        extraScripts = extraScripts.stream().filter(source -> !source.equals("'self'")).distinct().toList();
        extraConnects = extraConnects.stream().filter(source -> !source.equals("'self'")).distinct().toList();
    }

    /**
     * The policy sent on a response, with the nonce in its {@code script-src}: a request attribute
     * ({@link #ATTRIBUTE}), so the snippet injector need not parse the header of every page to find the nonce
     * again.
     */
    public record Sent(String value, String nonce) {

        public static final String ATTRIBUTE = Sent.class.getName();
    }

    /** A fresh nonce: 128 random bits, base64 (the characters CSP allows in a nonce-source). */
    public static String newNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** The header value for one response; {@code nonce} is ignored unless {@link #withNonce}. */
    public String value(String nonce) {
        StringBuilder policy = new StringBuilder(256);
        policy.append("default-src 'self'; script-src 'self'");
        if (withNonce && nonce != null) {
            policy.append(" 'nonce-").append(nonce).append('\'');
        }
        extraScripts.forEach(source -> policy.append(' ').append(source));
        policy.append("; connect-src 'self'");
        extraConnects.forEach(source -> policy.append(' ').append(source));
        // data: images are what browsers and posthog-js's replay use for small inline images; no remote images
        policy.append("; img-src 'self' data:; style-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self';"
                + " form-action 'self'; frame-ancestors 'none'");
        return policy.toString();
    }
}
