package io.agnes.web;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The Content-Security-Policy of Agnes' responses: scripts, styles, images and connections from Agnes' own origin
 * only, plus exactly the extra sources another feature asks for (PostHog's hosts, when that integration is on).
 * Agnes' pages have no inline script, style or event handler, so nothing needs {@code 'unsafe-inline'}; a script
 * that is inserted into a page (the PostHog snippet), and the style elements it adds, are allowed by the response's
 * nonce.
 *
 * <p>The text is put together once, here; a response only adds its nonce (one concatenation), or gets the same
 * string every time when there is no nonce: it goes on every response Agnes serves.
 */
public final class ContentSecurityPolicy {

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

    private final Mode mode;
    private final boolean withNonce;
    /** The whole value when no nonce goes in; else the text before the nonce, between its two places, and after. */
    private final String withoutNonce;
    private final String beforeNonce;
    private final String betweenNonces;
    private final String afterNonce;

    /**
     * @param mode          {@code AGNES_CONTENT_SECURITY_POLICY}
     * @param extraScripts  sources added to {@code script-src}
     * @param extraConnects sources added to {@code connect-src}
     * @param extraStyles   sources added to {@code style-src}, {@code img-src} and {@code font-src}: where a
     *                      stylesheet comes from, with the images and fonts it names
     * @param withNonce     whether each response gets a fresh {@code 'nonce-…'} in {@code script-src} and
     *                      {@code style-src}
     */
    public ContentSecurityPolicy(Mode mode, List<String> extraScripts, List<String> extraConnects,
                                 List<String> extraStyles, boolean withNonce) {
        this.mode = mode;
        this.withNonce = withNonce;
        String start = "default-src 'self'; script-src 'self'";
        String scripts = sources(extraScripts);
        String styles = sources(extraStyles);
        // data: images are what browsers and posthog-js's replay use for small inline images
        String middle = "; connect-src 'self'" + sources(extraConnects) + "; img-src 'self' data:" + styles
                + "; style-src 'self'" + styles;
        String end = "; font-src 'self'" + styles
                + "; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
        this.withoutNonce = start + scripts + middle + end;
        // The nonce in style-src too: posthog-js's surveys, product tours and conversations style themselves with
        // a <style> element of their own, which the snippet gives the page's nonce (the one of its own <script>)
        this.beforeNonce = start + " 'nonce-";
        this.betweenNonces = "'" + scripts + middle + " 'nonce-";
        this.afterNonce = "'" + end;
    }

    /** Each source after a space; 'self' is always there, and a feature naming it again (a same-origin proxy) adds nothing. */
    private static String sources(List<String> extra) {
        StringBuilder out = new StringBuilder(64);
        extra.stream().filter(source -> !source.equals("'self'")).distinct().forEach(source -> out.append(' ').append(source));
        return out.toString();
    }

    public Mode mode() {
        return mode;
    }

    public boolean withNonce() {
        return withNonce;
    }

    /**
     * The policy sent on a response, with the nonce in its {@code script-src} and {@code style-src}: a request
     * attribute ({@link #ATTRIBUTE}), so the snippet injector need not parse the header of every page to find the
     * nonce again.
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
        return withNonce && nonce != null ? beforeNonce + nonce + betweenNonces + nonce + afterNonce : withoutNonce;
    }
}
