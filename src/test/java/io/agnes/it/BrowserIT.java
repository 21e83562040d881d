package io.agnes.it;

import static io.agnes.testing.JsonBodies.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agnes.testing.AgnesDeployment;
import io.agnes.testing.BrowserTools;
import io.agnes.testing.FakePostHogCloud;
import io.agnes.testing.FakePostHogCloud.Captured;
import io.agnes.testing.WebClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The PostHog integration as users' browsers run it: headless Chromium loads Agnes' pages, whose snippet loads the
 * REAL posthog-js (the npm package pinned in {@code src/test/browser}) from a fake PostHog on 127.0.0.1
 * ({@link FakePostHogCloud}), and every check reads what that fake received — events, replays, flag requests, and
 * the backend's own events. Skipped, before Payara starts, where Chromium, chromedriver or posthog-js is missing.
 *
 * <p>The fake answers like a PostHog Cloud project with replay on; the browser looks like desktop Chromium, since
 * posthog-js drops the events of browsers that look automated (see {@link BrowserTools#chromium}).
 */
@ExtendWith(BrowserTools.class)
@ExtendWith(ArquillianExtension.class)
class BrowserIT {

    static final String ADMIN = "browser-admin@example.com";
    static final String PASSWORD = "pw-never-in-a-replay-31337";
    static final String ENVIRONMENT = "browser-it";
    static final String RELEASE = "7.7.7";
    static final Duration PATIENCE = Duration.ofSeconds(30);
    static FakePostHogCloud posthog;

    @ArquillianResource
    URL url;

    private final List<ChromeDriver> browsers = new ArrayList<>();

    @Deployment(testable = false)
    static WebArchive deployment() {
        posthog = FakePostHogCloud.start(BrowserTools.posthogJsDist());
        return AgnesDeployment.agnes()
                .setting("POSTHOG_API_KEY", "phc_browser_test_key")
                .setting("POSTHOG_HOST", posthog.url())
                .setting("POSTHOG_IDENTIFY_PII", "full")
                .setting("POSTHOG_ENVIRONMENT", ENVIRONMENT)
                .setting("AGNES_VERSION", RELEASE)
                .setting("POSTHOG_REPLAY", "true")
                .setting("POSTHOG_FLUSH_INTERVAL", "200ms")
                .setting("DEBUG", "1")
                .setting("AGNES_ADMIN_EMAIL", ADMIN)
                .setting("AGNES_ADMIN_PASSWORD", PASSWORD)
                .build();
    }

    @AfterEach
    void closeBrowsers() {
        browsers.forEach(ChromeDriver::quit);
        browsers.clear();
    }

    @AfterAll
    static void stopFake() {
        posthog.close();
    }

    @Test
    void pagesSendPageviewsAndPageleavesWithEnvironmentReleaseAndUserAndSigningInIdentifies() {
        ChromeDriver browser = browser();
        browser.get(base() + "/login");
        awaitPostHog(browser);
        String anonymousId = distinctId(browser);
        Captured loginView = awaitBrowserEvent("$pageview", e -> anonymousId.equals(e.distinctId()));
        assertThat(loginView.property("$current_url")).endsWith("/login");
        assertThat(loginView.property("environment")).isEqualTo(ENVIRONMENT);
        assertThat(loginView.property("release")).isEqualTo(RELEASE);
        assertThat(loginView.properties().keySet()).as("an anonymous visitor carries no user property")
                .doesNotContain("user_id", "user_email", "user_name");

        signIn(browser, ADMIN, PASSWORD);
        awaitPostHog(browser);
        String userId = me().getString("id");
        String displayName = me().getString("display_name");
        assertThat(distinctId(browser)).as("bootstrapped with the backend's distinct id").isEqualTo(userId);

        String session = sessionId(browser);
        Captured identify = awaitBrowserEvent("$identify", e -> userId.equals(e.distinctId())
                && anonymousId.equals(e.property("$anon_distinct_id")));
        assertThat(identify.sessionId()).as("the login page's visitor becomes the user, in the same session")
                .isEqualTo(session);
        Captured personProperties = awaitBrowserEvent("$set", e -> session.equals(e.sessionId()));
        assertThat(personProperties.distinctId()).isEqualTo(userId);
        assertThat(personProperties.properties().getJsonObject("$set").getString("email")).isEqualTo(ADMIN);
        assertThat(personProperties.properties().getJsonObject("$set").getString("name")).isEqualTo(displayName);

        Captured dashboard = awaitBrowserEvent("$pageview", e -> session.equals(e.sessionId())
                && e.property("$current_url").endsWith("/"));
        assertThat(dashboard.distinctId()).isEqualTo(userId);
        assertThat(dashboard.property("environment")).isEqualTo(ENVIRONMENT);
        assertThat(dashboard.property("release")).isEqualTo(RELEASE);
        assertThat(dashboard.property("user_id")).isEqualTo(userId);
        assertThat(dashboard.property("user_email")).isEqualTo(ADMIN);
        assertThat(dashboard.property("user_name")).isEqualTo(displayName);
        assertThat(dashboard.property("$lib")).isEqualTo("web");
        assertThat(dashboard.property("$lib_version")).as("the pinned posthog-js").isEqualTo(BrowserTools.pinnedVersion());

        browser.get(base() + "/catalog");
        Captured leave = awaitBrowserEvent("$pageleave", e -> session.equals(e.sessionId())
                && e.property("$current_url").endsWith("/"));
        assertThat(leave.distinctId()).isEqualTo(userId);
        assertThat(leave.property("environment")).isEqualTo(ENVIRONMENT);
        assertThat(leave.property("release")).isEqualTo(RELEASE);
        assertThat(leave.property("user_email")).isEqualTo(ADMIN);
        awaitBrowserEvent("$pageview", e -> session.equals(e.sessionId()) && e.property("$current_url").endsWith("/catalog"));

        assertThat(posthog.requests()).as("posthog-js itself came from the fake, i.e. from the pinned package")
                .anyMatch(r -> r.path().equals("/static/array.js") && r.status() == 200);
        assertThat(posthog.unknownRequests()).as("posthog-js used no endpoint the fake does not know").isEmpty();
    }

    @Test
    void anAnonymousVisitorIsNeverIdentified() {
        ChromeDriver browser = browser();
        browser.get(base() + "/login");
        awaitPostHog(browser);
        String anonymousId = distinctId(browser);
        awaitBrowserEvent("$pageview", e -> anonymousId.equals(e.distinctId()));
        barrier(browser);

        List<Captured> mine = posthog.browserEvents().stream().filter(e -> anonymousId.equals(e.distinctId())
                || anonymousId.equals(e.property("$anon_distinct_id"))).toList();
        assertThat(mine).extracting(Captured::name).doesNotContain("$identify", "$set", "$create_alias");
        assertThat(mine).allSatisfy(e -> assertThat(e.properties().keySet()).doesNotContain("user_id", "user_email", "user_name"));
    }

    @Test
    void aThrownErrorAndAnUnhandledRejectionArriveAsExceptions() {
        ChromeDriver browser = signedInBrowser();
        browser.get(base() + "/catalog");
        awaitPostHog(browser);
        String userId = distinctId(browser);
        String thrown = "thrown-in-the-page-" + UUID.randomUUID();
        String rejected = "rejected-in-the-page-" + UUID.randomUUID();
        // a script of the page itself, so the browser reports the real message (an error from WebDriver's own
        // evaluation context reaches the page as the opaque "Script error.")
        runAsPageScript(browser, "setTimeout(function(){throw new Error('" + thrown + "')},0);"
                + "Promise.reject(new Error('" + rejected + "'));");

        for (String message : List.of(thrown, rejected)) {
            Captured exception = awaitBrowserEvent("$exception", e -> exceptionValue(e).equals(message));
            assertThat(exception.distinctId()).isEqualTo(userId);
            assertThat(exception.property("environment")).isEqualTo(ENVIRONMENT);
            assertThat(exception.property("release")).isEqualTo(RELEASE);
            JsonObject first = exception.properties().getJsonArray("$exception_list").getJsonObject(0);
            assertThat(first.getString("type")).isEqualTo("Error");
            assertThat(first.getJsonObject("mechanism").getBoolean("handled")).isFalse();
        }
        barrier(browser);
        assertThat(posthog.browserEvents("$exception", e -> exceptionValue(e).equals(thrown))).as("sent once").hasSize(1);
        assertThat(posthog.browserEvents("$exception", e -> exceptionValue(e).equals(rejected))).as("sent once").hasSize(1);
    }

    @Test
    void aReplayShowsThePageButNeitherTypedValuesNorQueryResults() {
        String secret = "zebra-secret-" + UUID.randomUUID().toString().substring(0, 8);
        awaitSampleData();
        ChromeDriver browser = signedInBrowser();
        browser.get(base() + "/query");
        awaitPostHog(browser);
        String session = sessionId(browser);
        browser.findElement(By.id("sql")).sendKeys("SELECT '" + secret + "' AS secret_column");
        browser.findElement(By.id("run-sql")).click();
        new WebDriverWait(browser, PATIENCE).until(d -> d.findElements(By.cssSelector(".data-cell")).stream()
                .anyMatch(cell -> cell.getText().equals(secret)));

        // the result table's mutation has arrived once the replay shows a data cell
        String replay = Awaitility.await().atMost(PATIENCE).until(() -> posthog.replay(session),
                r -> r.contains("sql-form") && r.contains("\"data-cell\"") && r.contains("query-result"));
        assertThat(replay).as("the page's structure is recorded").contains("\"id\":\"sql\"").contains("query-output");
        assertThat(replay).as("neither the typed SQL nor the result cells or headers").doesNotContain(secret)
                .doesNotContain("secret_column");
        assertThat(replay).as("nor the password typed on the login page, same session").doesNotContain(PASSWORD);
        assertThat(posthog.browserEvents("$snapshot", e -> session.equals(e.sessionId())))
                .allSatisfy(e -> assertThat(e.path()).isEqualTo("/s/"));
    }

    @Test
    void aFailingApiCallOfThePageArrivesFromTheBackendWithTheBrowsersSession() {
        ChromeDriver browser = signedInBrowser();
        browser.get(base() + "/catalog");
        awaitPostHog(browser);
        String userId = distinctId(browser);
        String session = sessionId(browser);
        // posthog-js adds its tracing headers once its tracing-headers extension has patched fetch
        new WebDriverWait(browser, PATIENCE).until(d -> Boolean.TRUE.equals(browser.executeScript(
                "var x=window.__PosthogExtensions__;return !!(x&&x.tracingHeadersPatchFns)"
                        + "&&window.fetch.toString().indexOf('[native code]')<0")));
        String requestId = "browser-fetch-" + UUID.randomUUID();
        Object status = browser.executeAsyncScript("var done=arguments[arguments.length-1];"
                + "fetch('/api/debug/throw?kind=ValueError&msg=failed%20for%20the%20page',"
                + "{headers:{'X-Request-ID':arguments[0]}}).then(function(r){done(r.status)},function(e){done(String(e))});",
                requestId);
        assertThat(status).isEqualTo(500L);

        Captured backend = Awaitility.await().atMost(PATIENCE).until(() -> posthog.serverEvents().stream()
                .filter(e -> e.name().equals("$exception") && requestId.equals(e.property("request_id"))).findFirst()
                .orElse(null), java.util.Objects::nonNull);
        assertThat(backend.sessionId()).as("the backend error is linked to the browser's session").isEqualTo(session);
        assertThat(backend.distinctId()).isEqualTo(userId);
        Captured pageview = awaitBrowserEvent("$pageview", e -> session.equals(e.sessionId())
                && e.property("$current_url").endsWith("/catalog"));
        assertThat(pageview.distinctId()).isEqualTo(userId);
    }

    @Test
    void aHostileDisplayNameRunsNoScriptAndArrivesAsPlainText() {
        String hostileName = "</script><script>window.__agnesPwned=1;alert(1)</script>"
                + "<img src=x onerror=\"window.__agnesPwned=2\">\u2028'\"&";
        String email = "hostile-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        createUser(email, hostileName, "hostile-pass-123");

        ChromeDriver browser = browser();
        signIn(browser, email, "hostile-pass-123");
        awaitPostHog(browser);
        String userId = distinctId(browser);
        assertThatThrownBy(() -> browser.switchTo().alert()).as("no alert opened").isInstanceOf(NoAlertPresentException.class);
        assertThat(browser.executeScript("return typeof window.__agnesPwned")).isEqualTo("undefined");

        Captured view = awaitBrowserEvent("$pageview", e -> userId.equals(e.distinctId()));
        assertThat(view.property("user_name")).as("the name arrives as the exact text").isEqualTo(hostileName);
        Captured person = awaitBrowserEvent("$set", e -> userId.equals(e.distinctId()));
        assertThat(person.properties().getJsonObject("$set").getString("name")).isEqualTo(hostileName);
        assertThat(browser.executeScript("return typeof window.__agnesPwned")).isEqualTo("undefined");
    }

    @Test
    void aFlagTheServerKnowsIsInTheBootstrapOnFirstLoad() {
        // a user of its own: the server has no cached flag answer for them from before the flag existed
        String email = "flags-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        createUser(email, "Flag Tester", "flag-tester-pass-1");
        posthog.flag("browser-bootstrap-check", true).browserFlagsStatus(500);
        try {
            ChromeDriver browser = browser();
            signIn(browser, email, "flag-tester-pass-1");
            awaitPostHog(browser);
            String userId = distinctId(browser);
            // the query page makes the server check ask-llm for this user, which asks PostHog for all of the user's
            // flags; once that answer has arrived the server knows them, and the next page carries them
            browser.get(base() + "/query");
            Awaitility.await().atMost(PATIENCE).until(() -> posthog.flagsRequests().stream()
                    .anyMatch(r -> r.containsKey("api_key") && userId.equals(r.getString("distinct_id", ""))));
            Awaitility.await().atMost(PATIENCE).untilAsserted(() -> {
                browser.get(base() + "/catalog");
                awaitPostHog(browser);
                assertThat(browser.executeScript("return posthog.isFeatureEnabled('browser-bootstrap-check')"))
                        .as("only the bootstrap can tell: the browser's own /flags/ requests fail").isEqualTo(true);
            });
        } finally {
            posthog.browserFlagsStatus(200);
        }
    }

    @Test
    void aSurveyMadeInPostHogIsShownWithItsOwnStylesUnderAgnesContentSecurityPolicy() {
        String survey = "survey-" + UUID.randomUUID();
        String question = "What brought you to Agnes today?";
        ChromeDriver browser = signedInBrowser();
        posthog.survey(survey, question); // from the next page on
        try {
            browser.get(base() + "/catalog");
            awaitPostHog(browser);
            // posthog-js draws a popover survey in the open shadow root of a host element, styled by a <style> of its
            // own in there: under Agnes' CSP (style-src 'self') that element needs the page's nonce
            String host = ".PostHogSurvey-" + survey;
            try {
                new WebDriverWait(browser, PATIENCE).until(d -> Boolean.TRUE.equals(browser.executeScript(
                        "var h=document.querySelector(arguments[0]);return !!(h&&h.shadowRoot"
                                + "&&h.shadowRoot.querySelector('.ph-survey'))", host)));
            } catch (RuntimeException e) {
                throw new AssertionError("no survey on the page; console: " + BrowserTools.console(browser), e);
            }
            String inSurvey = "document.querySelector(arguments[0]).shadowRoot.querySelector('.ph-survey')";
            assertThat((String) browser.executeScript("return " + inSurvey + ".innerText", host)).contains(question);
            assertThat(browser.executeScript("return getComputedStyle(" + inSurvey + ").position", host))
                    .as("the survey's stylesheet applies: a box fixed to the window's bottom, not text in the page's flow")
                    .isEqualTo("fixed");
            assertThat(BrowserTools.console(browser)).as("the browser refused nothing")
                    .noneMatch(line -> line.contains("Content Security Policy"));
            Captured shown = awaitBrowserEvent("survey shown", e -> survey.equals(e.property("$survey_id")));
            assertThat(shown.distinctId()).isEqualTo(me().getString("id"));
        } finally {
            posthog.clearSurveys();
        }
    }

    @Test
    void thePostHogToolbarOpensOnAgnesPagesUnderAgnesContentSecurityPolicy() {
        ChromeDriver browser = signedInBrowser();
        String temporaryToken = "toolbar-" + UUID.randomUUID();
        // the toolbar (FakePostHogCloud's stand-in, which loads like the real one) draws in a shadow root once its
        // stylesheet from PostHog's app (ui_host) has loaded, then asks that app's API who is signed in
        String toolbar = BrowserTools.openWithToolbar(browser, base() + "/catalog", "phc_browser_test_key",
                temporaryToken, PATIENCE);

        assertThat(toolbar).isEqualTo("PostHog toolbar for " + FakePostHogCloud.TOOLBAR_USER);
        assertThat(browser.executeScript("return getComputedStyle(" + BrowserTools.TOOLBAR + ").position"))
                .as("the toolbar's stylesheet applies").isEqualTo("fixed");
        assertThat((Long) browser.executeScript("return " + BrowserTools.TOOLBAR + ".querySelector('img').naturalWidth"))
                .as("its images from PostHog's app show").isEqualTo(16L);
        assertThat(posthog.requests()).as("the toolbar reached PostHog's API with the launch link's token")
                .anyMatch(r -> r.path().equals("/api/users/@me/") && r.status() == 200
                        && ("temporary_token=" + temporaryToken).equals(r.query()));
        assertThat(browser.getCurrentUrl()).as("posthog-js takes the launch parameters out of the address")
                .doesNotContain(temporaryToken);
        assertThat(BrowserTools.console(browser)).as("the browser refused nothing")
                .noneMatch(line -> line.contains("Content Security Policy"));
    }

    // ---- helpers

    private ChromeDriver browser() {
        ChromeDriver browser = BrowserTools.chromium(Path.of(System.getProperty("java.io.tmpdir"), "browser-it"));
        browsers.add(browser);
        return browser;
    }

    private ChromeDriver signedInBrowser() {
        ChromeDriver browser = browser();
        signIn(browser, ADMIN, PASSWORD);
        return browser;
    }

    private String base() {
        return "http://127.0.0.1:" + url.getPort();
    }

    /** Signs in through the login page by typing, as a user does. */
    private void signIn(ChromeDriver browser, String email, String password) {
        browser.get(base() + "/login");
        browser.findElement(By.name("email")).sendKeys(email);
        browser.findElement(By.name("password")).sendKeys(password);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
        new WebDriverWait(browser, PATIENCE).until(d -> !d.getCurrentUrl().contains("/login"));
    }

    private void createUser(String email, String displayName, String password) {
        WebClient admin = new WebClient(url);
        assertThat(admin.login(ADMIN, PASSWORD).statusCode()).isEqualTo(303);
        assertThat(admin.postJson("/api/admin/users", Json.createObjectBuilder().add("email", email)
                .add("display_name", displayName).add("password", password).build().toString()).statusCode())
                .isBetween(200, 201);
    }

    private JsonObject me() {
        WebClient client = new WebClient(url);
        assertThat(client.login(ADMIN, PASSWORD).statusCode()).isEqualTo(303);
        return object(client.get("/api/me").body());
    }

    /** Queries need the analytics database, which the first sync of the sample data creates. */
    private void awaitSampleData() {
        WebClient client = new WebClient(url);
        assertThat(client.login(ADMIN, PASSWORD).statusCode()).isEqualTo(303);
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
                object(client.get("/api/sync/status").body()).getString("state").equals("succeeded"));
    }

    private static void awaitPostHog(ChromeDriver browser) {
        try {
            new WebDriverWait(browser, PATIENCE).until(d -> Boolean.TRUE.equals(browser.executeScript(
                    "return !!(window.posthog&&window.posthog.__loaded)")));
        } catch (RuntimeException e) {
            throw new AssertionError("posthog-js did not load; console: " + BrowserTools.console(browser), e);
        }
    }

    private static String distinctId(ChromeDriver browser) {
        return (String) browser.executeScript("return posthog.get_distinct_id()");
    }

    private static String sessionId(ChromeDriver browser) {
        return (String) browser.executeScript("return posthog.get_session_id()");
    }

    private static void runAsPageScript(ChromeDriver browser, String code) {
        browser.executeScript("var s=document.createElement('script');var n=document.querySelector('script[nonce]');"
                + "if(n)s.nonce=n.nonce;s.textContent=arguments[0];document.head.appendChild(s);", code);
    }

    /** Sends an event and waits for it: everything this page captured before it has arrived by then. */
    private static void barrier(ChromeDriver browser) {
        String marker = UUID.randomUUID().toString();
        browser.executeScript("posthog.capture('test_barrier',{marker:arguments[0]})", marker);
        awaitBrowserEvent("test_barrier", e -> marker.equals(e.property("marker")));
    }

    private static Captured awaitBrowserEvent(String name, Predicate<Captured> matching) {
        return Awaitility.await().atMost(PATIENCE).until(() -> posthog.browserEvents(name, matching).stream().findFirst()
                .orElse(null), java.util.Objects::nonNull);
    }

    private static String exceptionValue(Captured exception) {
        var list = exception.properties().getJsonArray("$exception_list");
        return list == null || list.isEmpty() ? "" : list.getJsonObject(0).getString("value", "");
    }
}
