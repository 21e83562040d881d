package io.agnes.testing;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What a browser test needs — Debian's Chromium, its chromedriver, and posthog-js as pinned in
 * {@code src/test/browser/package.json} — and a fresh headless Chromium for each test.
 *
 * <p>As a JUnit condition ({@code @ExtendWith(BrowserTools.class)}) it skips the test class or method, before any
 * deployment starts, with a message naming what is missing and how to get it. Nothing is ever downloaded: the
 * driver and the browser are given by path, so Selenium Manager never runs, and posthog-js comes from
 * {@code npm ci} ({@code ./agnes test} runs it; {@code .ci/run} installs Chromium and chromedriver).
 *
 * <p>Configuration (system properties): {@code browser.required} ({@code true} in CI: a missing tool fails the test
 * instead of skipping it), {@code chromium.binary} (default {@code /usr/bin/chromium}),
 * {@code chromedriver.binary} ({@code /usr/bin/chromedriver}), {@code posthogjs.dir} (the installed package; the
 * build sets it to {@code src/test/browser/node_modules/posthog-js}).
 */
public final class BrowserTools implements ExecutionCondition {

    public static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    public static final Path POSTHOG_JS = Path.of(System.getProperty("posthogjs.dir",
            "src/test/browser/node_modules/posthog-js"));
    public static final Path PIN = Path.of("src/test/browser/package.json");

    /** Chromium's desktop user agent, without the "Headless" that posthog-js' bot filter looks for. */
    static final String USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/150.0.0.0 Safari/537.36";

    /** Selenium's own logger, kept so its level sticks: it warns about every Chromium it has no CDP binding for. */
    private static final Logger SELENIUM = Logger.getLogger("org.openqa.selenium");

    static {
        SELENIUM.setLevel(Level.SEVERE);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<String> missing = missing();
        if (missing.isPresent() && Boolean.getBoolean("browser.required")) {
            // CI (-Dbrowser.required=true): the tools are installed there, so their absence is a failure
            throw new IllegalStateException(missing.get().replace("skipped", "cannot run") + "; browser.required is set");
        }
        return missing.map(ConditionEvaluationResult::disabled)
                .orElseGet(() -> ConditionEvaluationResult.enabled("Chromium, chromedriver and posthog-js " + pinnedVersion() + " present"));
    }

    /** Why browser tests cannot run here, or empty when they can. A stale posthog-js is an error, not a reason to skip. */
    public static Optional<String> missing() {
        if (!Files.isExecutable(CHROMIUM)) {
            return Optional.of("Browser test skipped: no Chromium at " + CHROMIUM
                    + " (Debian: apt-get install chromium chromium-driver; .ci/run installs both)");
        }
        if (!Files.isExecutable(CHROMEDRIVER)) {
            return Optional.of("Browser test skipped: no chromedriver at " + CHROMEDRIVER
                    + " (Debian: apt-get install chromium-driver, the same version as chromium)");
        }
        Path installed = POSTHOG_JS.resolve("package.json");
        if (!Files.isRegularFile(installed)) {
            return Optional.of("Browser test skipped: posthog-js is not installed in " + POSTHOG_JS.getParent()
                    + " (./agnes test installs it with npm; by hand: npm ci --prefix src/test/browser)");
        }
        String version = read(installed).getString("version", "");
        if (!version.equals(pinnedVersion())) {
            throw new IllegalStateException("posthog-js " + version + " is installed in " + POSTHOG_JS + " but "
                    + PIN + " pins " + pinnedVersion() + ": run ./agnes test or npm ci --prefix src/test/browser");
        }
        return Optional.empty();
    }

    /** The posthog-js version the tests run, from {@code src/test/browser/package.json}. */
    public static String pinnedVersion() {
        return read(PIN).getJsonObject("dependencies").getString("posthog-js");
    }

    /** The package's {@code dist} folder: what PostHog's CDN serves under {@code /static/}. */
    public static Path posthogJsDist() {
        return POSTHOG_JS.resolve("dist");
    }

    /**
     * A new headless Chromium with a fresh profile (no cookies, no storage: a first-time visitor), console messages
     * kept for {@link #console}. The caller quits it.
     */
    public static ChromeDriver chromium(Path profiles) {
        Path profile;
        try {
            Files.createDirectories(profiles);
            profile = Files.createTempDirectory(profiles, "chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as root in a container: no sandbox; nothing in the background may reach the internet
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath(),
                // posthog-js drops every event of a browser that looks automated (navigator.webdriver, a
                // "HeadlessChrome" user agent): look like the desktop Chromium a user runs
                "--disable-blink-features=AutomationControlled", "--user-agent=" + USER_AGENT);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File(profiles.toFile(), "chromedriver.log"))
                .build();
        return new ChromeDriver(service, options);
    }

    /** The browser console so far (each line: level and message), for failure messages. */
    public static List<String> console(ChromeDriver chromium) {
        try {
            return chromium.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .map(entry -> entry.getLevel() + " " + entry.getMessage()).toList();
        } catch (RuntimeException e) {
            return List.of("(console not available: " + e + ")");
        }
    }

    /**
     * Opens {@code page} as PostHog's "Launch toolbar" link does (the launch parameters in the fragment) and waits
     * until the toolbar — {@link FakePostHogCloud}'s stand-in, drawn only once its stylesheet has loaded — shows,
     * with its image loaded or failed.
     *
     * @return what the toolbar says, e.g. {@code PostHog toolbar for <user>}
     */
    public static String openWithToolbar(ChromeDriver chromium, String page, String projectKey, String temporaryToken,
                                         Duration patience) {
        String launch = Json.createObjectBuilder().add("action", "ph_authorize").add("token", projectKey)
                .add("temporaryToken", temporaryToken).add("userIntent", "heatmaps").build().toString();
        chromium.get(page + "#__posthog=" + URLEncoder.encode(launch, StandardCharsets.UTF_8).replace("+", "%20"));
        try {
            new WebDriverWait(chromium, patience).until(d -> Boolean.TRUE.equals(chromium.executeScript(
                    "var b=" + TOOLBAR + ";var i=b&&b.querySelector('img');return !!(i&&i.complete)")));
        } catch (RuntimeException e) {
            throw new AssertionError("no toolbar on the page; console: " + console(chromium), e);
        }
        return (String) chromium.executeScript("return " + TOOLBAR + ".innerText");
    }

    /** The toolbar's box ({@link #openWithToolbar}), as a script expression; {@code null} while there is none. */
    public static final String TOOLBAR = "(function(){var h=document.getElementById('__POSTHOG_TOOLBAR__');"
            + "return h&&h.shadowRoot&&h.shadowRoot.querySelector('.toolbar')})()";

    private static JsonObject read(Path file) {
        try (Reader in = Files.newBufferedReader(file); JsonReader reader = Json.createReader(in)) {
            return reader.readObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
