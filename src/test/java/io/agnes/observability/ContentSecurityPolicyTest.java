package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.web.ContentSecurityPolicy;
import io.agnes.web.ContentSecurityPolicy.Mode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Agnes' Content-Security-Policy as a browser reads it, and together with the PostHog snippet: the injector finds
 * the response's nonce in it, and it allows exactly PostHog's hosts. (In this package because the nonce reader is
 * the snippet's.)
 */
class ContentSecurityPolicyTest {

    private static String directive(String policy, String name) {
        for (String directive : policy.split(";")) {
            if (directive.trim().startsWith(name + " ")) {
                return directive.trim();
            }
        }
        return null;
    }

    @Test
    void withPostHogOffOnlyAgnesOwnOriginIsAllowedAndNoInlineCodeAtAll() {
        String policy = new ContentSecurityPolicy(Mode.ENFORCE, List.of(), List.of(), List.of(), false).value("ignored");

        assertThat(directive(policy, "default-src")).isEqualTo("default-src 'self'");
        assertThat(directive(policy, "script-src")).isEqualTo("script-src 'self'");
        assertThat(directive(policy, "connect-src")).isEqualTo("connect-src 'self'");
        assertThat(directive(policy, "style-src")).isEqualTo("style-src 'self'");
        assertThat(directive(policy, "img-src")).isEqualTo("img-src 'self' data:");
        assertThat(directive(policy, "font-src")).isEqualTo("font-src 'self'");
        assertThat(directive(policy, "object-src")).isEqualTo("object-src 'none'");
        assertThat(directive(policy, "frame-ancestors")).isEqualTo("frame-ancestors 'none'");
        assertThat(policy).doesNotContain("unsafe").doesNotContain("nonce").doesNotContain("posthog");
        assertThat(SnippetNonce.of(List.of(policy))).isNull();
    }

    @Test
    void withPostHogOnTheSnippetsNonceAndExactlyPostHogsHostsAreAllowed() {
        PostHogCsp sources = PostHogCsp.sources("https://eu.i.posthog.com", null, null);
        ContentSecurityPolicy csp = new ContentSecurityPolicy(Mode.ENFORCE, sources.scriptSrc(), sources.connectSrc(),
                sources.appSrc(), true);
        String nonce = ContentSecurityPolicy.newNonce();
        String policy = csp.value(nonce);

        assertThat(directive(policy, "script-src"))
                .isEqualTo("script-src 'self' 'nonce-" + nonce + "' https://eu-assets.i.posthog.com");
        assertThat(directive(policy, "connect-src")).as("events, remote config, and the toolbar's API calls to PostHog's app")
                .isEqualTo("connect-src 'self' https://eu.i.posthog.com https://eu-assets.i.posthog.com https://eu.posthog.com");
        assertThat(directive(policy, "style-src")).as("posthog-js's surveys style themselves with <style> elements that"
                + " the snippet gives its nonce; the toolbar's stylesheet comes from PostHog's app")
                .isEqualTo("style-src 'self' https://eu.posthog.com 'nonce-" + nonce + "'");
        assertThat(directive(policy, "img-src")).isEqualTo("img-src 'self' data: https://eu.posthog.com");
        assertThat(directive(policy, "font-src")).isEqualTo("font-src 'self' https://eu.posthog.com");
        assertThat(policy).doesNotContain("unsafe").doesNotContain("*");
        assertThat(SnippetNonce.of(List.of(policy))).as("what the injector puts on the <script>").isEqualTo(nonce);
        assertThat(csp.value("another")).as("each response its own").contains("script-src 'self' 'nonce-another' ")
                .contains("style-src 'self' https://eu.posthog.com 'nonce-another';").doesNotContain(nonce);
    }

    @Test
    void aSameOriginProxyNeedsNoForeignHostButPostHogsAppForTheToolbar() {
        PostHogCsp sources = PostHogCsp.sources("/ingest", null, "https://eu.posthog.com");
        String policy = new ContentSecurityPolicy(Mode.ENFORCE, sources.scriptSrc(), sources.connectSrc(),
                sources.appSrc(), true).value("n0nce");

        assertThat(directive(policy, "script-src")).isEqualTo("script-src 'self' 'nonce-n0nce'");
        assertThat(directive(policy, "connect-src")).isEqualTo("connect-src 'self' https://eu.posthog.com");
        assertThat(directive(policy, "style-src")).isEqualTo("style-src 'self' https://eu.posthog.com 'nonce-n0nce'");
        assertThat(directive(policy, "img-src")).isEqualTo("img-src 'self' data: https://eu.posthog.com");
        assertThat(directive(policy, "font-src")).isEqualTo("font-src 'self' https://eu.posthog.com");
    }

    @Test
    void everyResponseGetsItsOwnUnguessableNonceInTheCspAlphabet() {
        Set<String> nonces = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String nonce = ContentSecurityPolicy.newNonce();
            assertThat(nonce).matches("[A-Za-z0-9+/=]{24}");
            nonces.add(nonce);
        }
        assertThat(nonces).hasSize(1000);
    }

    @Test
    void theModesNameTheirHeaders() {
        assertThat(Mode.ENFORCE.header()).isEqualTo("Content-Security-Policy");
        assertThat(Mode.REPORT_ONLY.header()).isEqualTo("Content-Security-Policy-Report-Only");
        assertThat(Mode.OFF.header()).isNull();
    }
}
