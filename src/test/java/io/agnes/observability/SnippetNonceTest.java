package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.web.ContentSecurityPolicy;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnippetNonceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NONE", value = {
            "script-src with a nonce                    | default-src 'self'; script-src 'self' 'nonce-abc123'        | abc123",
            "default-src when script-src is absent      | default-src 'self' 'nonce-xyz'                              | xyz",
            "script-src-elem governs script elements    | script-src 'nonce-a'; script-src-elem 'nonce-b'             | b",
            "script-src without nonce: no fallback      | default-src 'nonce-d'; script-src 'self'                    | NONE",
            "directive names and nonce- any case        | Script-Src 'NONCE-MiXeD'                                    | MiXeD",
            "base64 padding and url-safe characters     | script-src 'nonce-a+b/c=' 'nonce-x'                         | a+b/c=",
            "a nonce that could break out of attribute  | script-src 'nonce-a\"onload=x'                               | NONE",
            "second policy of a comma-separated header  | img-src 'self', script-src 'nonce-second'                   | second",
            "no policy at all                           | ''                                                          | NONE",
            "tabs, empty directives, trailing separator | ;; script-src\t'self'\t'nonce-t1' ;                         | t1",
            "an empty nonce is none                     | script-src 'nonce-' 'self'                                  | NONE",
            "a nonce without its closing quote is none  | script-src 'nonce-abc                                       | NONE",
            "a directive whose name only starts alike   | script-srcx 'nonce-no'; default-src 'nonce-yes'             | yes",
    })
    void the_nonce_a_script_element_may_use(String description, String policy, String expected) {
        assertThat(SnippetNonce.of(List.of(policy))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void the_first_header_offering_one_wins() {
        assertThat(SnippetNonce.of(List.of("default-src 'self'", "script-src 'nonce-two'"))).isEqualTo("two");
        assertThat(SnippetNonce.of(List.of())).isNull();
    }

    /** The injector takes Agnes' own nonce from the request ({@code ContentSecurityPolicy.Sent}) instead of this parse. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = ContentSecurityPolicy.Mode.class, names = "OFF",
            mode = org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE)
    void every_policy_agnes_sends_offers_the_nonce_it_records(ContentSecurityPolicy.Mode mode) {
        String nonce = ContentSecurityPolicy.newNonce();
        for (List<String> extra : List.of(List.<String>of(), List.of("https://eu-assets.i.posthog.com", "'nonce-other'"))) {
            ContentSecurityPolicy policy = new ContentSecurityPolicy(mode, extra, List.of("https://eu.i.posthog.com"), extra, true);
            assertThat(SnippetNonce.of(List.of(policy.value(nonce)))).isEqualTo(nonce);
        }
    }
}
