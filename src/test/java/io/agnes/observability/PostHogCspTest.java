package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostHogCspTest {

    @Test
    void postHogCloudLoadsScriptsFromItsAssetsHostSendsToItsApiHostAndOpensTheToolbarFromItsApp() {
        PostHogCsp csp = PostHogCsp.sources("https://eu.i.posthog.com", null, null);

        assertThat(csp.scriptSrc()).containsExactly("https://eu-assets.i.posthog.com");
        assertThat(csp.connectSrc()).containsExactly("https://eu.i.posthog.com", "https://eu-assets.i.posthog.com",
                "https://eu.posthog.com");
        assertThat(csp.appSrc()).as("posthog-js's ui_host when none is set: the toolbar's stylesheet, images, fonts")
                .containsExactly("https://eu.posthog.com");
    }

    @Test
    void postHogsOldAddressGetsWhatPostHogJsMakesOfIt() {
        PostHogCsp csp = PostHogCsp.sources("https://app.posthog.com/", null, null);

        assertThat(csp.scriptSrc()).as("the stub's array.js from the address as given; posthog-js's own loads from US assets")
                .containsExactly("https://app.posthog.com", "https://us-assets.i.posthog.com");
        assertThat(csp.connectSrc()).as("posthog-js sends to us.i.posthog.com when told app.posthog.com")
                .containsExactly("https://us.i.posthog.com", "https://us-assets.i.posthog.com", "https://us.posthog.com");
        assertThat(csp.appSrc()).containsExactly("https://us.posthog.com");
        assertThat(PostHogCsp.sources("/ingest", null, "https://app.posthog.com").appSrc())
                .containsExactly("https://us.posthog.com");
    }

    @Test
    void aCustomApiHostServesItsOwnAssetsAndItsOwnApp() {
        PostHogCsp csp = PostHogCsp.sources("https://ph.example.com:8443/ingest/", null, null);

        assertThat(csp.scriptSrc()).containsExactly("https://ph.example.com:8443");
        assertThat(csp.connectSrc()).containsExactly("https://ph.example.com:8443");
        assertThat(csp.appSrc()).containsExactly("https://ph.example.com:8443");
    }

    @Test
    void aSameOriginProxyIsSelfAndTheUiHostIsAllowedForTheToolbar() {
        PostHogCsp csp = PostHogCsp.sources("/ingest", null, "https://eu.posthog.com");

        assertThat(csp.scriptSrc()).containsExactly("'self'");
        assertThat(csp.connectSrc()).containsExactly("'self'", "https://eu.posthog.com");
        assertThat(csp.appSrc()).containsExactly("https://eu.posthog.com");
        assertThat(PostHogCsp.sources("/ingest", null, null).appSrc()).as("no app to name").isEmpty();
    }

    @Test
    void anAssetHostAddsItsOriginForStaticScripts() {
        PostHogCsp csp = PostHogCsp.sources("https://US.i.posthog.com", "https://cdn.example/posthog/", null);

        // remote config still comes from the assets host derived from the API host
        assertThat(csp.scriptSrc()).containsExactly("https://us-assets.i.posthog.com", "https://cdn.example");
        assertThat(csp.connectSrc()).containsExactly("https://us.i.posthog.com", "https://us-assets.i.posthog.com",
                "https://us.posthog.com");
    }

    @Test
    void theConfiguredHostIsTheDefault() {
        PostHogSettings settings = PostHogSettings.from(new io.agnes.web.Settings(
                key -> key.equals("POSTHOG_API_KEY") ? java.util.Optional.of("phc_x") : java.util.Optional.empty()));

        assertThat(PostHogCsp.sources(settings)).isEqualTo(PostHogCsp.sources("https://eu.i.posthog.com", null, null));
    }

    @Test
    void aHostThatIsNoUrlIsRefused() {
        assertThatThrownBy(() -> PostHogCsp.sources("eu.i.posthog.com", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiHost");
        assertThatThrownBy(() -> PostHogCsp.sources("https://eu.i.posthog.com", "/static", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("assetHost");
    }
}
