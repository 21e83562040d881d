package io.agnes.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.testing.AgnesDeployment;
import io.agnes.testing.BrowserTools;
import io.agnes.testing.FakePostHogCloud;
import io.agnes.testing.FakePostHogCloud.Captured;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * With the same-origin proxy on ({@code POSTHOG_PROXY_PATH=/ingest}), the browser talks only to Agnes, and everything
 * still reaches PostHog: posthog-js itself, remote config, events, replay, flags; the browser's own resource timing
 * lists no request to PostHog's host.
 */
@ExtendWith(BrowserTools.class)
@ExtendWith(ArquillianExtension.class)
class BrowserProxyIT {

    static final String ADMIN = "proxy-admin@example.com";
    static final String PASSWORD = "proxy-admin-pass-2718";
    static FakePostHogCloud posthog;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() {
        posthog = FakePostHogCloud.start(BrowserTools.posthogJsDist());
        return AgnesDeployment.agnes()
                .setting("POSTHOG_API_KEY", "phc_proxy_test_key")
                .setting("POSTHOG_HOST", posthog.url())
                .setting("POSTHOG_PROXY_PATH", "/ingest")
                .setting("POSTHOG_IDENTIFY_PII", "full")
                .setting("POSTHOG_ENVIRONMENT", "browser-proxy-it")
                .setting("AGNES_ADMIN_EMAIL", ADMIN)
                .setting("AGNES_ADMIN_PASSWORD", PASSWORD)
                .build();
    }

    @AfterAll
    static void stopFake() {
        posthog.close();
    }

    @Test
    void everythingTheBrowserSendsArrivesThroughAgnes() {
        ChromeDriver browser = BrowserTools.chromium(Path.of(System.getProperty("java.io.tmpdir"), "browser-it"));
        try {
            String base = "http://127.0.0.1:" + url.getPort();
            browser.get(base + "/login");
            browser.findElement(By.name("email")).sendKeys(ADMIN);
            browser.findElement(By.name("password")).sendKeys(PASSWORD);
            browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> !d.getCurrentUrl().contains("/login")
                    && Boolean.TRUE.equals(browser.executeScript("return !!(window.posthog&&window.posthog.__loaded)")));
            assertThat(browser.executeScript("return posthog.config.api_host")).asString().endsWith("/ingest");
            String session = (String) browser.executeScript("return posthog.get_session_id()");
            browser.get(base + "/catalog");

            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                var names = posthog.browserEvents().stream().filter(e -> session.equals(e.sessionId()))
                        .map(Captured::name).toList();
                return names.contains("$pageview") && names.contains("$pageleave") && names.contains("$snapshot");
            });
            assertThat(posthog.requests()).as("posthog-js, remote config and flags came through Agnes too")
                    .anyMatch(r -> r.path().equals("/static/array.js"))
                    .anyMatch(r -> r.path().startsWith("/array/phc_proxy_test_key/config"))
                    .anyMatch(r -> r.path().startsWith("/flags"));
            assertThat(browser.executeScript("var host=arguments[0];return performance.getEntriesByType('resource')"
                    + ".map(function(r){return r.name}).filter(function(n){return n.indexOf(host)===0})", posthog.url()))
                    .as("the browser never reached PostHog directly").asList().isEmpty();
            assertThat(posthog.unknownRequests()).isEmpty();
        } finally {
            browser.quit();
        }
    }

    @Test
    void thePostHogToolbarLoadsThroughAgnesAndTalksToPostHogsApp() {
        ChromeDriver browser = BrowserTools.chromium(Path.of(System.getProperty("java.io.tmpdir"), "browser-it"));
        try {
            String base = "http://127.0.0.1:" + url.getPort();
            String toolbar = BrowserTools.openWithToolbar(browser, base + "/login", "phc_proxy_test_key",
                    "proxied-" + UUID.randomUUID(), Duration.ofSeconds(30));

            assertThat(toolbar).isEqualTo("PostHog toolbar for " + FakePostHogCloud.TOOLBAR_USER);
            assertThat(browser.executeScript("return getComputedStyle(" + BrowserTools.TOOLBAR + ").position"))
                    .isEqualTo("fixed");
            assertThat(browser.executeScript("return performance.getEntriesByType('resource').map(function(r){return r.name})"
                    + ".filter(function(n){return /\\/toolbar\\.js/.test(n)})")).asList()
                    .as("toolbar.js is one of posthog-js's assets: it comes through Agnes' proxy")
                    .isNotEmpty().allMatch(name -> ((String) name).startsWith(base + "/ingest/static/"));
            assertThat(posthog.requests()).as("what the toolbar itself asks for is PostHog's app's (ui_host)")
                    .anyMatch(r -> r.path().equals("/static/toolbar.css") && r.header("via") == null)
                    .anyMatch(r -> r.path().endsWith("/toolbar.js") && r.header("via") != null);
            assertThat(BrowserTools.console(browser)).noneMatch(line -> line.contains("Content Security Policy"));
        } finally {
            browser.quit();
        }
    }
}
