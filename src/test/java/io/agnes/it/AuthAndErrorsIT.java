package io.agnes.it;

import static io.agnes.testing.JsonBodies.array;
import static io.agnes.testing.JsonBodies.object;
import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.testing.AgnesDeployment;
import io.agnes.testing.WebClient;
import jakarta.json.JsonObject;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agnes on Payara Micro as operators run it in production: an admin from the environment, a scheduler
 * secret, DEBUG off. Authentication, authorisation, the current-user accessor, request ids and error mapping.
 */
@ExtendWith(ArquillianExtension.class)
class AuthAndErrorsIT {

    static final String ADMIN = "admin@example.com";
    static final String ADMIN_PASSWORD = "correct horse battery";
    static final String SCHEDULER_SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret-42";

    /** Where PostHog events would go if the integration were on; without POSTHOG_API_KEY it must hear nothing. */
    static io.agnes.testing.FakePostHog posthog;

    @ArquillianResource
    URL url;

    @org.junit.jupiter.api.AfterAll
    static void noEventWasEverSent() {
        assertThat(posthog.requests()).as("PostHog is off: nothing is sent").isEmpty();
        posthog.close();
    }

    @Deployment(testable = false)
    static WebArchive deployment() {
        posthog = io.agnes.testing.FakePostHog.start();
        return AgnesDeployment.agnes()
                .setting("POSTHOG_HOST", posthog.url())
                .setting("AGNES_ADMIN_EMAIL", ADMIN)
                .setting("AGNES_ADMIN_PASSWORD", ADMIN_PASSWORD)
                .setting("AGNES_SCHEDULER_SECRET", SCHEDULER_SECRET)
                .setting("DEBUG", "false")
                .setting("AGNES_JOB_HEALTH_CHECK_INTERVAL", "1s")
                .setting("AGNES_JOB_DATA_REFRESH_INTERVAL", "off")
                .setting("AGNES_JOB_CATALOG_ENRICHMENT_INTERVAL", "off")
                .withClasses(RequestProbe.class, RequestProbe.Filter.class, RequestProbe.ErrorObserver.class,
                        RequestProbe.Thrower.class)
                .build();
    }

    @Test
    void healthIsPublicAndReportsVersionAndDatabase() {
        HttpResponse<String> health = new WebClient(url).get("/api/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonObject body = object(health.body());
        assertThat(body.getString("status")).isEqualTo("ok");
        assertThat(body.getString("database")).isEqualTo("ok");
        assertThat(body.getString("version")).isNotBlank();
    }

    @Test
    void anonymousCallersGet401JsonOnTheApiAndALoginRedirectForPages() {
        WebClient anonymous = new WebClient(url);
        HttpResponse<String> api = anonymous.get("/api/me");
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(api.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(object(api.body()).getString("detail")).isEqualTo("Not authenticated");

        HttpResponse<String> page = anonymous.get("/tokens?tab=all");
        assertThat(page.statusCode()).isEqualTo(302);
        assertThat(page.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).endsWith("/login?next=%2Ftokens%3Ftab%3Dall"));

        // authentication comes before the DEBUG gate: anonymous callers cannot even learn the route exists
        assertThat(anonymous.get("/api/debug/throw?kind=ValueError").statusCode()).isEqualTo(401);
    }

    @Test
    void passwordLoginSetsAHardenedSessionCookieAndReturnsToTheRequestedPage() {
        WebClient browser = new WebClient(url);
        HttpResponse<String> wrong = browser.login(ADMIN, "wrong password");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Wrong e-mail or password.");
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(401);

        HttpResponse<String> form = browser.get("/login?next=%2Ftokens");
        assertThat(form.statusCode()).isEqualTo(200);
        HttpResponse<String> ok = browser.submitForm("/login?next=%2Ftokens", "#login-form",
                Map.of("email", "ADMIN@example.com", "password", ADMIN_PASSWORD));
        assertThat(ok.statusCode()).isEqualTo(303);
        assertThat(ok.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/tokens"));
        assertThat(ok.headers().allValues("Set-Cookie")).anySatisfy(cookie -> assertThat(cookie)
                .startsWith("JSESSIONID=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Lax"));

        JsonObject me = object(browser.get("/api/me").body());
        assertThat(me.getString("email")).isEqualTo(ADMIN);
        assertThat(me.getBoolean("admin")).isTrue();
        assertThat(me.getString("authenticated_via")).isEqualTo("session");
        assertThat(browser.get("/").body()).contains("Dashboard").contains(ADMIN);

        HttpResponse<String> logout = browser.submitForm("/", "form[action$=/logout]", Map.of());
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(401);
    }

    @Test
    void krazosFormFilterIsMadeOncePerDeploymentAndFormsStillWork() {
        // Krazo declares it @RequestScoped and its constructor scans every jar; KrazoFilterScope makes it one instance
        WebClient browser = new WebClient(url);
        assertThat(browser.login(ADMIN, ADMIN_PASSWORD).statusCode()).isEqualTo(303);
        assertThat(browser.get("/probe/krazo-form-filter-scope").body()).isEqualTo("ApplicationScoped");

        // the filter still reads Krazo's configuration of the current request: a form without its CSRF token is refused
        HttpResponse<String> forged = browser.postForm("/logout", Map.of());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(200);
        HttpResponse<String> logout = browser.submitForm("/", "form[action$=/logout]", Map.of());
        assertThat(logout.statusCode()).isEqualTo(303);
        assertThat(browser.get("/api/me").statusCode()).isEqualTo(401);
    }

    @Test
    void loginNeverRedirectsToAnotherSite() {
        for (String next : new String[] {"//evil.example/x", "https://evil.example/", "/\\evil.example"}) {
            WebClient browser = new WebClient(url);
            HttpResponse<String> login = browser.submitForm("/login", "#login-form",
                    Map.of("email", ADMIN, "password", ADMIN_PASSWORD, "next", next));
            java.net.URI location = java.net.URI.create(login.headers().firstValue("Location").orElseThrow());
            assertThat(location.getHost()).as(next).isEqualTo("127.0.0.1");
            assertThat(location.getPath()).as(next).isEqualTo("/");
        }
        assertThat(new WebClient(url).get("/setup").statusCode()).as("setup is gone once a user exists").isEqualTo(404);
    }

    @Test
    void accessTokensAreShownOnceWorkAsBearerAndStopWorkingWhenRevoked() {
        WebClient owner = signedInAdmin();
        HttpResponse<String> created = owner.postJson("/api/tokens", "{\"name\":\"laptop\",\"expires_in_days\":30}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonObject token = object(created.body());
        String secret = token.getString("token");
        assertThat(secret).startsWith("agnes_pat_");
        assertThat(token.getString("expires_at")).isNotBlank();

        WebClient cli = new WebClient(url);
        HttpResponse<String> me = cli.get("/api/me", "Authorization", "Bearer " + secret);
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(object(me.body()).getString("authenticated_via")).isEqualTo("access_token");

        String listed = owner.get("/api/tokens").body();
        assertThat(listed).contains("laptop").doesNotContain(secret);
        assertThat(array(listed).getJsonObject(0).getString("last_used_at", null)).isNotNull();

        assertThat(owner.delete("/api/tokens/" + token.getString("id")).statusCode()).isEqualTo(204);
        HttpResponse<String> revoked = cli.get("/api/me", "Authorization", "Bearer " + secret);
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(object(revoked.body()).getString("detail")).isEqualTo("Invalid or expired access token");
        assertThat(cli.get("/api/me", "Authorization", "Bearer agnes_pat_made-up").statusCode()).isEqualTo(401);

        // the page shows a new token's secret exactly once
        HttpResponse<String> page = owner.submitForm("/tokens", "form[action$=/tokens]", Map.of("name", "from page"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("will not be shown again").containsPattern("agnes_pat_[A-Za-z0-9_-]{43}");
        assertThat(owner.get("/tokens").body()).contains("from page").doesNotContainPattern("agnes_pat_[A-Za-z0-9_-]{43}");
    }

    @Test
    void onlyAdminsManageUsersAndDeactivationEndsAccess() {
        WebClient admin = signedInAdmin();
        String email = "analyst-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = admin.postJson("/api/admin/users",
                "{\"email\":\"" + email + "\",\"display_name\":\"Ana Lyst\",\"password\":\"analyst-pass\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String id = object(created.body()).getString("id");
        assertThat(admin.postJson("/api/admin/users", "{\"email\":\"" + email + "\",\"password\":\"analyst-pass\"}").statusCode())
                .as("duplicate e-mail").isEqualTo(409);
        assertThat(admin.postJson("/api/admin/users", "{\"email\":\"x@example.com\",\"password\":\"short\"}").body())
                .contains("at least 8 characters");

        WebClient analyst = new WebClient(url);
        assertThat(analyst.login(email, "analyst-pass").statusCode()).isEqualTo(303);
        String token = object(analyst.postJson("/api/tokens", "{\"name\":\"t\"}").body()).getString("token");

        HttpResponse<String> apiForbidden = analyst.get("/api/admin/users");
        assertThat(apiForbidden.statusCode()).isEqualTo(403);
        assertThat(object(apiForbidden.body()).getString("detail")).isEqualTo("Admin rights are required.");
        HttpResponse<String> pageForbidden = analyst.get("/admin/users");
        assertThat(pageForbidden.statusCode()).isEqualTo(403);
        assertThat(pageForbidden.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(pageForbidden.body()).contains("<!DOCTYPE html>").contains("Forbidden");
        assertThat(analyst.get("/").body()).doesNotContain("/admin/users");

        assertThat(admin.get("/admin/users").body()).contains(email).contains("Ana Lyst");
        assertThat(admin.postJson("/api/admin/users/" + id + "/deactivate", "").statusCode()).isEqualTo(200);
        assertThat(analyst.get("/api/me").statusCode()).as("session of a deactivated user").isEqualTo(401);
        assertThat(new WebClient(url).get("/api/me", "Authorization", "Bearer " + token).statusCode())
                .as("token of a deactivated user").isEqualTo(401);
        assertThat(new WebClient(url).login(email, "analyst-pass").statusCode()).isEqualTo(401);
    }

    @Test
    void theSchedulerSecretActsAsTheSyntheticSchedulerAdmin() {
        WebClient scheduler = new WebClient(url);
        HttpResponse<String> me = scheduler.get("/api/me", "Authorization", "Bearer " + SCHEDULER_SECRET);
        assertThat(me.statusCode()).isEqualTo(200);
        JsonObject body = object(me.body());
        assertThat(body.getString("email")).isEqualTo("scheduler@system.local");
        assertThat(body.getBoolean("admin")).isTrue();
        assertThat(scheduler.get("/api/admin/users", "Authorization", "Bearer " + SCHEDULER_SECRET).statusCode()).isEqualTo(200);
        assertThat(scheduler.get("/api/me", "Authorization", "Bearer " + SCHEDULER_SECRET + "x").statusCode()).isEqualTo(401);
    }

    @Test
    void everyResponseCarriesARequestIdTakenFromTheCallerWhenSafe() {
        WebClient client = new WebClient(url);
        assertThat(client.get("/api/health", "X-Request-ID", "abc-123_XYZ").headers().firstValue("X-Request-ID")).hasValue("abc-123_XYZ");
        assertThat(client.get("/api/health", "X-Request-ID", "a<b>c;d e").headers().firstValue("X-Request-ID")).hasValue("abcde");
        assertThat(client.get("/api/health", "X-Request-ID", "x".repeat(100)).headers().firstValue("X-Request-ID")).hasValue("x".repeat(64));
        assertThat(client.get("/api/health").headers().firstValue("X-Request-ID")).hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f]{12}"));
        assertThat(client.get("/login").headers().firstValue("X-Request-ID")).isPresent();
    }

    @Test
    void theCurrentUserIsVisibleToLaterFiltersAndToTheErrorPath() {
        WebClient admin = signedInAdmin();
        assertThat(admin.get("/probe/user").body()).isEqualTo(ADMIN);

        HttpResponse<String> failure = admin.get("/api/probe/throw", "X-Request-ID", "probe-1");
        assertThat(failure.statusCode()).isEqualTo(500);
        JsonObject body = object(failure.body());
        assertThat(body.getString("detail")).isEqualTo("Internal server error");
        assertThat(body.getString("request_id")).isEqualTo("probe-1");
        assertThat(body.containsKey("error")).as("no error text unless DEBUG").isFalse();
        assertThat(failure.body()).doesNotContain("secret detail").doesNotContain("at io.agnes");
        assertThat(admin.get("/probe/last-error-user").body()).isEqualTo(ADMIN + " jaxrs IllegalStateException");
        // without POSTHOG_API_KEY the integration is off: not one PostHog thread in the server
        assertThat(admin.get("/probe/posthog-threads").body()).isEmpty();
        org.jsoup.nodes.Document operator = org.jsoup.Jsoup.parse(admin.get("/admin/observability").body());
        assertThat(operator.select("#observability-config").text()).contains("off — POSTHOG_API_KEY is not set");
        assertThat(operator.select("#test-event-form button").hasAttr("disabled")).isTrue();
    }

    @Test
    void errorsAreJsonForTheApiAndPagesForBrowsers() {
        WebClient admin = signedInAdmin();
        HttpResponse<String> apiMissing = admin.get("/api/no-such-thing");
        assertThat(apiMissing.statusCode()).isEqualTo(404);
        assertThat(object(apiMissing.body()).getString("detail")).isEqualTo("There is nothing at this address.");
        HttpResponse<String> pageMissing = admin.get("/no-such-page");
        assertThat(pageMissing.statusCode()).isEqualTo(404);
        assertThat(pageMissing.body()).startsWith("<!DOCTYPE html>").contains("Page not found");
        // PostHog off: Agnes' own origin only, no nonce, on pages and on error pages alike
        for (HttpResponse<String> page : List.of(admin.get("/"), pageMissing)) {
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(policy -> assertThat(policy)
                    .contains("script-src 'self';").contains("connect-src 'self';").doesNotContain("nonce").doesNotContain("posthog"));
        }
        // with DEBUG off the debug routes answer exactly like a missing route
        HttpResponse<String> debug = admin.get("/api/debug/throw?kind=ValueError");
        assertThat(debug.statusCode()).isEqualTo(404);
        assertThat(debug.body()).isEqualTo(apiMissing.body());
        assertThat(admin.get("/debug/throw").statusCode()).isEqualTo(404);
        assertThat(admin.postJson("/api/tokens", "{not json").statusCode()).isEqualTo(400);
    }

    @Test
    void theHealthCheckJobRunsOnItsCadenceAndIsListedForAdmins() {
        WebClient admin = signedInAdmin();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(array(admin.get("/api/admin/jobs/runs").body()).stream()
                        .map(jakarta.json.JsonValue::asJsonObject)
                        .filter(r -> r.getString("job").equals("health_check") && r.getString("outcome").equals("ok")
                                && r.getInt("http_status") == 200)
                        .count()).isGreaterThanOrEqualTo(2));
        assertThat(admin.get("/admin/jobs").body()).contains("health_check").contains("data_refresh").contains("off");
    }

    private WebClient signedInAdmin() {
        WebClient browser = new WebClient(url);
        assertThat(browser.login(ADMIN, ADMIN_PASSWORD).statusCode()).isEqualTo(303);
        return browser;
    }
}
