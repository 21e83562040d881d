package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.web.Settings;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyRouteTest {

    private final ProxyRoute eu = ProxyRoute.of("/ingest", "https://eu.i.posthog.com");
    private final Map<String, String> env = new HashMap<>(Map.of("AGNES_VERSION", "", "LOCAL_DEV_MODE", "",
            "RELEASE_CHANNEL", "", "AGNES_DEPLOYMENT_ENV", "", "POSTHOG_API_KEY", "phc_test"));
    private final CapturedLogs logs = new CapturedLogs(io.agnes.web.Settings.class, PostHogSettings.class);

    @AfterEach
    void stopListening() {
        logs.close();
    }

    private PostHogSettings resolve() {
        return PostHogSettings.from(new Settings(key -> Optional.ofNullable(env.get(key))));
    }

    @Test
    void offByDefaultAndPostHogsOwnHostsInTheSnippet() {
        PostHogSettings settings = resolve();

        assertThat(settings.proxy()).isEmpty();
        assertThat(settings.browserApiHost("/agnes")).isEqualTo("https://eu.i.posthog.com");
        assertThat(settings.browserUiHost()).isNull();
        assertThat(settings.summary()).endsWith("proxy=off");
        assertThat(logs.lines()).isEmpty();
    }

    @Test
    void onTheSnippetTalksToAgnesOwnOriginAndLinksToPostHogsApp() {
        env.put("POSTHOG_PROXY_PATH", " /ingest/ ");

        PostHogSettings settings = resolve();

        assertThat(settings.proxy()).hasValue(new ProxyRoute("/ingest", "https://eu.i.posthog.com",
                "https://eu-assets.i.posthog.com", "https://eu.posthog.com"));
        assertThat(settings.browserApiHost("")).isEqualTo("/ingest");
        assertThat(settings.browserApiHost("/agnes")).isEqualTo("/agnes/ingest");
        assertThat(settings.browserUiHost()).isEqualTo("https://eu.posthog.com");
        assertThat(settings.summary()).contains("proxy=/ingest → https://eu.i.posthog.com (assets: https://eu-assets.i.posthog.com)");
        assertThat(logs.lines()).isEmpty();
    }

    @Test
    void theSnippetOfAProxiedPageTalksToTheProxyAndItsCspIsSelf() {
        env.put("POSTHOG_PROXY_PATH", "/ingest");
        PostHogSettings settings = resolve();

        // what SnippetInjectionFilter.init() renders for a page under the context path /agnes
        String snippet = SnippetRenderer.render(SnippetContext.of(settings, null, "agnes.example", Map.of(), null)
                .withHosts(settings.browserApiHost("/agnes"), settings.browserUiHost(), null));

        assertThat(snippet).contains("\"api_host\":\"/agnes/ingest\"").contains("\"ui_host\":\"https://eu.posthog.com\"")
                .doesNotContain("eu.i.posthog.com").doesNotContain("\"asset_host\"");
        PostHogCsp csp = PostHogCsp.sources(settings.browserApiHost("/agnes"), null, settings.browserUiHost());
        assertThat(csp.scriptSrc()).containsExactly("'self'");
        assertThat(csp.connectSrc()).containsExactly("'self'", "https://eu.posthog.com");
    }

    @Test
    void theProxyStaysOffWhileTheIntegrationIsOff() {
        env.put("POSTHOG_PROXY_PATH", "/ingest");
        env.put("POSTHOG_API_KEY", "");

        assertThat(resolve().proxy()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ingest", "/", "//evil.example", "/../api", "/a/../b", "/./x", "/in gest", "/in%2Fgest",
            "/in\\gest", "/user@host", "http://evil.example/ingest", "/ingest?x=1", "/ingest#x", "/ingest;x", "/.hidden",
            "/ïngest"})
    void anUnusablePathWarnsOnceNamingItAndLeavesTheProxyOff(String value) {
        env.put("POSTHOG_PROXY_PATH", value);

        assertThat(resolve().proxy()).isEmpty();
        assertThat(logs.lines()).singleElement().asString()
                .contains("POSTHOG_PROXY_PATH").contains(value.trim()).contains("proxy off");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api", "/API/ingest", "/admin", "/static", "/static/ph", "/login", "/logout", "/setup",
            "/help", "/catalog", "/query", "/tokens", "/error", "/debug", "/WEB-INF"})
    void aPathOfAgnesOwnIsRefused(String value) {
        env.put("POSTHOG_PROXY_PATH", value);

        assertThat(resolve().proxy()).isEmpty();
        assertThat(logs.lines()).singleElement().asString().contains(value).contains("one of Agnes' own paths");
    }

    @Test
    void deeperAndUnusualButSafePathsAreFine() {
        assertThat(ProxyRoute.problem("/t/e2")).isNull();
        assertThat(ProxyRoute.problem("/relay-x_1.v2~")).isNull();
        assertThat(ProxyRoute.problem("/apis")).as("only whole segments collide").isNull();
    }

    @Test
    void hostsDeriveAsPostHogJsDerivesThem() {
        assertThat(ProxyRoute.assetsHostOf("https://us.i.posthog.com")).isEqualTo("https://us-assets.i.posthog.com");
        assertThat(ProxyRoute.uiHostOf("https://us.i.posthog.com")).isEqualTo("https://us.posthog.com");
        assertThat(ProxyRoute.uiHostOf("https://EU.i.posthog.com")).isEqualTo("https://eu.posthog.com");
        assertThat(ProxyRoute.assetsHostOf("https://posthog.example.com")).isEqualTo("https://posthog.example.com");
        assertThat(ProxyRoute.uiHostOf("https://posthog.example.com")).isEqualTo("https://posthog.example.com");
        assertThat(ProxyRoute.assetsHostOf("http://127.0.0.1:8123")).isEqualTo("http://127.0.0.1:8123");
    }

    @Test
    void staticAndArrayGoToTheAssetsHostEverythingElseToTheApiHostWithTheQueryKept() {
        assertThat(eu.upstream("/ingest/static/array.js", "v=1.2.3"))
                .hasValue(URI.create("https://eu-assets.i.posthog.com/static/array.js?v=1.2.3"));
        assertThat(eu.upstream("/ingest/array/phc_abc/config", null))
                .hasValue(URI.create("https://eu-assets.i.posthog.com/array/phc_abc/config"));
        assertThat(eu.upstream("/ingest/e/", "ip=0&_=1700000000000&ver=1.449.2&compression=gzip-js"))
                .hasValue(URI.create("https://eu.i.posthog.com/e/?ip=0&_=1700000000000&ver=1.449.2&compression=gzip-js"));
        assertThat(eu.upstream("/ingest/flags/", "v=2&config=true")).hasValue(URI.create("https://eu.i.posthog.com/flags/?v=2&config=true"));
        assertThat(eu.upstream("/ingest/i/v0/e/", null)).hasValue(URI.create("https://eu.i.posthog.com/i/v0/e/"));
        assertThat(eu.upstream("/ingest/static-not/x", null)).hasValue(URI.create("https://eu.i.posthog.com/static-not/x"));
    }

    @Test
    void aCustomHostWithAPathKeepsItsPath() {
        ProxyRoute custom = ProxyRoute.of("/ingest", "https://relay.example/ph");

        assertThat(custom.upstream("/ingest/e/", null)).hasValue(URI.create("https://relay.example/ph/e/"));
        assertThat(custom.upstream("/ingest/static/array.js", null)).hasValue(URI.create("https://relay.example/ph/static/array.js"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/ingest", "/ingest/", "/ingestx/e/", "/api/e/", "/ingest/../api/users", "/ingest/./e/",
            "/ingest/%2e%2e/api", "/ingest/e%2F..%2F..%2Fadmin", "/ingest//evil.example/e/", "/ingest/@evil.example/x",
            "/ingest/e/@evil.example", "/ingest/http://evil.example/", "/ingest/https:/evil.example", "/ingest/\\evil.example",
            "/ingest/e\\..\\x", "/ingest/e;jsessionid=1", "/ingest/e/%00", "/ingest/e /", "/ingest/.env", "/ingest/é"})
    void noPathReachesAnotherHostOrAPathOutsideTheUpstream(String path) {
        assertThat(eu.upstream(path, null)).as(path).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=1 b", "a=%zz", "a=%", "x=<script>", "x=\"", "x=1#frag", "x=\\", "x=\u00e9", "x={}"})
    void anUnsafeQueryIsRefused(String query) {
        assertThat(eu.upstream("/ingest/e/", query)).as(query).isEmpty();
    }

    @Test
    void queryEscapesAndSlashesStayInTheQuery() {
        assertThat(eu.upstream("/ingest/e/", "url=https%3A%2F%2Fagnes.example%2F&next=/a/b?c"))
                .hasValue(URI.create("https://eu.i.posthog.com/e/?url=https%3A%2F%2Fagnes.example%2F&next=/a/b?c"));
    }
}
