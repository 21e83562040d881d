package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agnes.web.Deflated;
import io.agnes.web.DeflatedSink;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SnippetRendererTest {

    private static final String HOSTILE = "</script><script>alert(1)</script>";
    private static final SnippetContext.User ADA = new SnippetContext.User("u-7", "ada@example.com", "Ada Lovelace");

    private static SnippetContext context(IdentifyMode mode, SnippetContext.User user) {
        return new SnippetContext("phc_project", "https://eu.i.posthog.com", null, null, "production", "2.4.1", mode,
                user, true, "", "agnes.example", Map.of(), null, SnippetRenderer.DEFAULTS);
    }

    // ---- identity per mode (the original's snippet tests, plus bootstrap) ----

    @Test
    void aSignedInUserIsRegisteredAndIdentifiedWithEnvironmentAndRelease() {
        String snippet = SnippetRenderer.render(context(IdentifyMode.EMAIL, ADA));

        assertThat(superProperties(snippet)).isEqualTo(json("{\"environment\":\"production\",\"release\":\"2.4.1\","
                + "\"user_id\":\"u-7\",\"user_email\":\"ada@example.com\"}"));
        assertThat(snippet).contains("ph.identify(\"u-7\",{\"email\":\"ada@example.com\"});")
                .doesNotContain("Ada Lovelace").doesNotContain("user_name\":");
        assertThat(config(snippet).getJsonObject("bootstrap"))
                .isEqualTo(json("{\"distinctID\":\"u-7\",\"isIdentifiedID\":true}"));
    }

    @Test
    void fullModeAddsTheUserName() {
        String snippet = SnippetRenderer.render(context(IdentifyMode.FULL, ADA));

        assertThat(superProperties(snippet).getString("user_name")).isEqualTo("Ada Lovelace");
        assertThat(snippet).contains("ph.identify(\"u-7\",{\"email\":\"ada@example.com\",\"name\":\"Ada Lovelace\"});");
    }

    @Test
    void idModeHasTheUserIdOnlyAndIdentifiesWithoutPersonProperties() {
        String snippet = SnippetRenderer.render(context(IdentifyMode.ID, ADA));

        assertThat(superProperties(snippet)).isEqualTo(
                json("{\"environment\":\"production\",\"release\":\"2.4.1\",\"user_id\":\"u-7\"}"));
        assertThat(snippet).contains("ph.identify(\"u-7\",{});").doesNotContain("ada@example.com").doesNotContain("Ada");
    }

    @ParameterizedTest
    @EnumSource(IdentifyMode.class)
    void anAnonymousVisitorHasNoUserPropertiesNoIdentifyAndNoBootstrappedId(IdentifyMode mode) {
        String snippet = SnippetRenderer.render(context(mode, null));

        assertThat(superProperties(snippet)).isEqualTo(
                json("{\"environment\":\"production\",\"release\":\"2.4.1\"}"));
        assertThat(snippet).doesNotContain("ph.identify(").doesNotContain("_superProps.user_id")
                .doesNotContain("distinctID");
        assertThat(config(snippet).containsKey("bootstrap")).isFalse();
        // after a sign-out (or an expired session) the browser forgets the user: posthog.reset()
        assertThat(snippet).contains("if(ph.get_property(\"$user_state\")===\"identified\")ph.reset();");
    }

    @Test
    void modeNoneIdentifiesNobodyAndSendsNothingAboutTheSignedInUser() {
        String snippet = SnippetRenderer.render(context(IdentifyMode.NONE, ADA));

        assertThat(superProperties(snippet)).doesNotContainKeys("user_id", "user_email", "user_name");
        assertThat(snippet).doesNotContain("ph.identify(").doesNotContain("u-7").doesNotContain("ada@example.com")
                .doesNotContain("Ada Lovelace").doesNotContain("distinctID");
        // a browser identified under an earlier, more open configuration is forgotten
        assertThat(snippet).contains("if(ph.get_property(\"$user_state\")===\"identified\")ph.reset();");
    }

    @Test
    void userPropertiesPersistedByAnEarlierModeOrUserAreRemoved() {
        assertThat(SnippetRenderer.render(context(IdentifyMode.ID, ADA)))
                .contains("ph.unregister(\"user_email\");ph.unregister(\"user_name\");")
                .doesNotContain("ph.unregister(\"user_id\")");
        assertThat(SnippetRenderer.render(context(IdentifyMode.EMAIL, null)))
                .contains("ph.unregister(\"user_id\");ph.unregister(\"user_email\");ph.unregister(\"user_name\");");
        assertThat(SnippetRenderer.render(context(IdentifyMode.FULL, ADA))).doesNotContain("ph.unregister(");
    }

    @Test
    void aBrowserIdentifiedAsSomeoneElseIsResetBeforeTheUserIsIdentified() {
        String snippet = SnippetRenderer.render(context(IdentifyMode.EMAIL, ADA));

        assertThat(snippet).contains("if(ph.get_property(\"$user_state\")===\"identified\"&&ph.get_distinct_id()!==\"u-7\")"
                + "ph.reset();ph.unregister(\"user_name\");ph.register(");
    }

    @ParameterizedTest
    @EnumSource(IdentifyMode.class)
    void theBrowserUsesTheSameDistinctIdAsBackendEvents(IdentifyMode mode) {
        // an id with a control character and spaces: the backend sanitises it, the browser must name the same person
        SnippetContext.User user = new SnippetContext.User(" u-8\u0007 ", "b@example.com", "Bea");
        EventIdentity backend = EventIdentity.forRequest(mode, user.id(), user.email(), user.name(), null);

        String snippet = SnippetRenderer.render(context(mode, user));

        if (backend.person()) {
            assertThat(config(snippet).getJsonObject("bootstrap").getString("distinctID")).isEqualTo(backend.distinctId())
                    .isEqualTo("u-8");
            assertThat(snippet).contains("ph.identify(\"u-8\",");
        } else {
            assertThat(snippet).doesNotContain("ph.identify(").doesNotContain("distinctID");
        }
        JsonObject register = superProperties(snippet);
        backend.userProperties().forEach((key, value) -> assertThat(register.getString(key)).isEqualTo(value));
        assertThat(register.keySet()).containsExactlyInAnyOrderElementsOf(Stream.concat(
                Stream.of("environment", "release"), backend.userProperties().keySet().stream()).toList());
    }

    @Test
    void anUnusableUserIdIsTreatedAsAnonymousAsOnTheBackend() {
        String snippet = SnippetRenderer.render(context(IdentifyMode.FULL, new SnippetContext.User("null", "x@example.com", "X")));

        assertThat(snippet).doesNotContain("ph.identify(").doesNotContain("x@example.com");
    }

    @Test
    void noReleaseMeansNoReleaseProperty() {
        SnippetContext context = new SnippetContext("phc_project", "https://eu.i.posthog.com", null, null, "unknown",
                " ", IdentifyMode.EMAIL, null, true, "", null, Map.of(), null, SnippetRenderer.DEFAULTS);

        assertThat(superProperties(SnippetRenderer.render(context))).isEqualTo(json("{\"environment\":\"unknown\"}"));
    }

    // ---- init options ----

    @Test
    void theInitOptionsAreTheOriginalsPlusTracingDefaultsAndExceptionCapture() {
        JsonObject config = config(SnippetRenderer.render(context(IdentifyMode.EMAIL, null)));

        assertThat(config.getString("api_host")).isEqualTo("https://eu.i.posthog.com");
        assertThat(config.getString("person_profiles")).isEqualTo("identified_only");
        assertThat(config.getBoolean("capture_pageview")).isTrue();
        assertThat(config.getBoolean("capture_pageleave")).isTrue();
        assertThat(config.getBoolean("autocapture")).isFalse();
        assertThat(config.getBoolean("capture_exceptions")).isTrue();
        assertThat(config.getString("defaults")).isEqualTo("2026-06-25");
        assertThat(config.isNull("internal_or_test_user_hostname")).isTrue();
        assertThat(config.getJsonArray("tracing_headers")).isEqualTo(json("[\"agnes.example\"]"));
        assertThat(config.containsKey("ui_host")).isFalse();
        assertThat(config.containsKey("asset_host")).isFalse();
    }

    @Test
    void replayMasksInputsAndSensitiveTextAndAppendsTheOperatorsSelector() {
        SnippetContext context = new SnippetContext("phc_project", "https://eu.i.posthog.com", null, null, "production",
                null, IdentifyMode.EMAIL, null, true, " .secret-col ", null, Map.of(), null, SnippetRenderer.DEFAULTS);

        JsonObject recording = config(SnippetRenderer.render(context)).getJsonObject("session_recording");

        assertThat(recording).isEqualTo(json("{\"maskAllInputs\":true,\"maskTextSelector\":"
                + "\"[data-sensitive], .data-cell, .query-result, .sql-output, code, pre, .secret-col\","
                + "\"recordCrossOriginIframes\":false}"));
        assertThat(config(SnippetRenderer.render(context(IdentifyMode.EMAIL, null))).getJsonObject("session_recording")
                .getString("maskTextSelector")).isEqualTo("[data-sensitive], .data-cell, .query-result, .sql-output, code, pre");
    }

    @Test
    void replayOffDisablesSessionRecording() {
        SnippetContext context = new SnippetContext("phc_project", "https://eu.i.posthog.com", null, null, "production",
                null, IdentifyMode.EMAIL, null, false, ".secret-col", null, Map.of(), null, SnippetRenderer.DEFAULTS);

        JsonObject config = config(SnippetRenderer.render(context));

        assertThat(config.getBoolean("disable_session_recording")).isTrue();
        assertThat(config.containsKey("session_recording")).isFalse();
    }

    @Test
    void bootstrapCarriesTheServerEvaluatedFlagsAndTheIdOnlyForAnIdentifiedUser() {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("new-editor", true);
        flags.put("pricing", "variant-b");
        flags.put("unknown", null);

        JsonObject signedIn = config(SnippetRenderer.render(withFlags(context(IdentifyMode.EMAIL, ADA), flags)));
        JsonObject anonymous = config(SnippetRenderer.render(withFlags(context(IdentifyMode.EMAIL, null), flags)));
        JsonObject none = config(SnippetRenderer.render(withFlags(context(IdentifyMode.NONE, ADA), flags)));

        assertThat(signedIn.getJsonObject("bootstrap")).isEqualTo(json("{\"distinctID\":\"u-7\",\"isIdentifiedID\":true,"
                + "\"featureFlags\":{\"new-editor\":true,\"pricing\":\"variant-b\"}}"));
        // the flags were evaluated for the server's distinct id; a browser with its own anonymous id must not use them
        assertThat(anonymous.containsKey("bootstrap")).isFalse();
        assertThat(none.containsKey("bootstrap")).isFalse();
    }

    @Test
    void aFlagValueThatIsNeitherBooleanNorVariantIsRefused() {
        assertThatThrownBy(() -> withFlags(context(IdentifyMode.EMAIL, ADA), Map.of("limit", 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit").hasMessageContaining("Integer");
    }

    @Test
    void tracingHeadersNameTheHostAsTheBrowserSeesItAndAnUnusableHostIsLeftOut() {
        assertThat(config(SnippetRenderer.render(withTracingHost("Agnes.Example:8443"))).getJsonArray("tracing_headers"))
                .isEqualTo(json("[\"agnes.example\"]"));
        assertThat(config(SnippetRenderer.render(withTracingHost("[::1]:8080"))).getJsonArray("tracing_headers"))
                .isEqualTo(json("[\"[::1]\"]"));
        assertThat(config(SnippetRenderer.render(withTracingHost(null))).containsKey("tracing_headers")).isFalse();
        assertThat(config(SnippetRenderer.render(withTracingHost("evil\"</script>"))).containsKey("tracing_headers")).isFalse();
    }

    @Test
    void aProxyGetsItsUiHostAndAnAssetHostLoadsArrayJsToo() {
        SnippetContext context = context(IdentifyMode.EMAIL, null)
                .withHosts("https://agnes.example/ingest/", "https://eu.posthog.com", "https://cdn.example/ph");

        String snippet = SnippetRenderer.render(context);

        JsonObject config = config(snippet);
        assertThat(config.getString("api_host")).isEqualTo("https://agnes.example/ingest");
        assertThat(config.getString("ui_host")).isEqualTo("https://eu.posthog.com");
        assertThat(config.getString("asset_host")).isEqualTo("https://cdn.example/ph");
        assertThat(snippet).contains("p.src=(s.asset_host||s.api_host.replace(\".i.posthog.com\",\"-assets.i.posthog.com\"))"
                + "+\"/static/array.js\"");
        assertThat(config(SnippetRenderer.render(context.withHosts("/ingest", null, null))).getString("api_host"))
                .isEqualTo("/ingest");
    }

    @Test
    void aHostThatIsNotAnHttpUrlIsRefusedWithItsName() {
        assertThatThrownBy(() -> context(IdentifyMode.EMAIL, null).withHosts("javascript:alert(1)", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiHost");
        assertThatThrownBy(() -> context(IdentifyMode.EMAIL, null).withHosts("https://eu.i.posthog.com", "/ui", null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uiHost");
    }

    @Test
    void aPersonalApiKeyIsNeverRendered() {
        assertThatThrownBy(() -> new SnippetContext("phx_" + "secret123", "https://eu.i.posthog.com", null, null, "prod",
                null, IdentifyMode.EMAIL, null, true, "", null, Map.of(), null, SnippetRenderer.DEFAULTS))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PERSONAL")
                .hasMessageNotContaining("secret123");
    }

    // ---- the element ----

    @Test
    void theNonceIsOnTheScriptWhenGiven() {
        SnippetContext context = new SnippetContext("phc_project", "https://eu.i.posthog.com", null, null, "production",
                null, IdentifyMode.EMAIL, null, true, "", null, Map.of(), "rAnd0m+/nonce==", SnippetRenderer.DEFAULTS);

        assertThat(SnippetRenderer.render(context)).startsWith("<script nonce=\"rAnd0m+/nonce==\">(function(w,d){");
        assertThat(SnippetRenderer.render(context(IdentifyMode.EMAIL, null))).startsWith("<script>(function(w,d){");
    }

    @Test
    void aNonceThatCouldLeaveItsAttributeIsRefused() {
        assertThatThrownBy(() -> new SnippetContext("phc_project", "https://eu.i.posthog.com", null, null, "production",
                null, IdentifyMode.EMAIL, null, true, "", null, Map.of(), "x\"><script>alert(1)</script>",
                SnippetRenderer.DEFAULTS)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonce");
    }

    @Test
    void aSecondCopyOnThePageNeverInitialisesTwice() {
        String snippet = SnippetRenderer.render(context(IdentifyMode.EMAIL, ADA));

        // the guard runs before the stub is defined, and also skips init and the listeners
        assertThat(snippet).startsWith("<script>(function(w,d){if(w.posthog&&(w.posthog.__SV||w.posthog.__loaded))return;\n"
                + SnippetRenderer.NONCE + "!function(t,e){");
        // the injection filter recognises an existing snippet by this text
        assertThat(snippet.split("posthog\\.init\\(", -1)).hasSize(2);
        assertThat(snippet).endsWith("})(window,document);</script>");
    }

    @Test
    void pageErrorsAndUnhandledRejectionsAreForwardedWithoutEverThrowing() {
        String snippet = SnippetRenderer.render(context(IdentifyMode.EMAIL, null));

        assertThat(snippet).contains("w.addEventListener(\"error\",").contains("w.addEventListener(\"unhandledrejection\",")
                .contains("try{var p=w.posthog").contains("p.captureException(x)}catch(_){}");
    }

    // ---- escaping: no value can leave the script ----

    @ParameterizedTest
    @ValueSource(strings = {"name", "email", "userId", "environment", "release", "selector", "key", "apiHostPath",
            "flagKey", "flagVariant", "tracingHost"})
    void aHostileValueInAnyFieldStaysInsideItsString(String field) {
        String snippet = SnippetRenderer.render(hostile(field, HOSTILE + "\u2028'\"&<!--]]>"));

        assertScriptCannotBeBrokenOutOf(snippet);
    }

    @Test
    void hostileValuesArriveIntactAsData() {
        String value = HOSTILE + " & 'quotes' \"double\" \u2028\u2029 <!-- -->";
        String snippet = SnippetRenderer.render(hostile("name", value));

        assertScriptCannotBeBrokenOutOf(snippet);
        assertThat(superProperties(snippet).getString("user_name")).isEqualTo(value);
        assertThat(snippet).doesNotContain("\u2028").doesNotContain("\u2029");
    }

    @Test
    void hostileValuesEverywhereAtOnceCannotBreakOut() {
        String h = HOSTILE;
        SnippetContext context = new SnippetContext("phc_" + h, "/ingest" + h, null, null, h, h, IdentifyMode.FULL,
                new SnippetContext.User("id" + h, h, h), true, h, h, Map.of(h, h), "abc", SnippetRenderer.DEFAULTS);

        assertScriptCannotBeBrokenOutOf(SnippetRenderer.render(context));
    }

    /** As an HTML parser sees it: the element ends at the first "</script", and nothing in the body starts a tag. */
    private static void assertScriptCannotBeBrokenOutOf(String snippet) {
        String lower = snippet.toLowerCase(Locale.ROOT);
        assertThat(lower.indexOf("</script")).isEqualTo(snippet.length() - "</script>".length());
        String body = scriptBody(snippet);
        assertThat(body).doesNotContain("<").doesNotContain("\u2028").doesNotContain("\u2029");
        assertThat(lower.indexOf('<', 1)).isEqualTo(snippet.length() - "</script>".length());
    }

    private static SnippetContext hostile(String field, String h) {
        String name = field.equals("name") ? h : "Ada";
        String email = field.equals("email") ? h : "ada@example.com";
        String userId = field.equals("userId") ? h : "u-7";
        return new SnippetContext(field.equals("key") ? "phc_" + h : "phc_project",
                field.equals("apiHostPath") ? "/ingest/" + h : "https://eu.i.posthog.com", null, null,
                field.equals("environment") ? h : "production", field.equals("release") ? h : "1.0", IdentifyMode.FULL,
                new SnippetContext.User(userId, email, name), true, field.equals("selector") ? h : ".x",
                field.equals("tracingHost") ? h : "agnes.example",
                Map.of(field.equals("flagKey") ? h : "flag", field.equals("flagVariant") ? h : "on"), null,
                SnippetRenderer.DEFAULTS);
    }

    // ---- the rendered script, run ----

    @Test
    void theRenderedScriptRunsInitOnceWithTheExpectedConfigAndTheHostileNameRunsNothing(@TempDir Path dir)
            throws Exception {
        Assumptions.assumeTrue(nodeAvailable(), "node is not installed: the rendered snippet is checked as text only "
                + "(install Node.js to also run it against a fake window)");
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("beta", true);
        SnippetContext context = withFlags(new SnippetContext("phc_project", "https://eu.i.posthog.com", null, null,
                "production", "2.4.1", IdentifyMode.FULL, new SnippetContext.User("u-7", "ada@example.com", HOSTILE),
                true, "", "agnes.example", Map.of(), "n0nce", SnippetRenderer.DEFAULTS), flags);

        JsonObject run = runInNode(dir, SnippetRenderer.render(context), "identified");

        assertThat(run.getInt("alerts")).isZero();
        assertThat(run.getInt("inits")).isEqualTo(1);
        assertThat(run.getString("token")).isEqualTo("phc_project");
        JsonObject config = run.getJsonObject("config");
        assertThat(config.getString("loaded")).isEqualTo("function");
        assertThat(config.getJsonObject("bootstrap")).isEqualTo(json("{\"distinctID\":\"u-7\",\"isIdentifiedID\":true,"
                + "\"featureFlags\":{\"beta\":true}}"));
        assertThat(config.getJsonArray("tracing_headers")).isEqualTo(json("[\"agnes.example\"]"));
        assertThat(config.getJsonObject("session_recording").getBoolean("maskAllInputs")).isTrue();
        assertThat(run.getJsonArray("scriptsLoaded")).isEqualTo(json("[\"https://eu-assets.i.posthog.com/static/array.js\"]"));
        assertThat(config.getString("prepare_external_dependency_stylesheet")).isEqualTo("function");
        assertThat(run.getString("styleNonce")).as("posthog-js's own <style> elements (surveys) get the script's nonce")
                .isEqualTo("n0nce");
        // loaded(ph): stale identity reset, super-properties, identify — the hostile name is only ever data
        JsonArray calls = run.getJsonArray("loadedCalls");
        assertThat(calls).isEqualTo(json("[[\"reset\"],"
                + "[\"register\",{\"environment\":\"production\",\"release\":\"2.4.1\",\"user_id\":\"u-7\","
                + "\"user_email\":\"ada@example.com\",\"user_name\":" + Json.createValue(HOSTILE) + "}],"
                + "[\"identify\",\"u-7\",{\"email\":\"ada@example.com\",\"name\":" + Json.createValue(HOSTILE) + "}]]"));
        // one listener each, although the snippet ran twice
        assertThat(run.getInt("errorListeners")).isEqualTo(1);
        assertThat(run.getInt("rejectionListeners")).isEqualTo(1);
        assertThat(run.getInt("queuedExceptions")).isEqualTo(2);
        assertThat(run.getInt("directBeforeAutocapture")).isEqualTo(1);
        assertThat(run.getInt("directAfterAutocapture")).isZero();
        assertThat(run.getBoolean("listenerThrew")).isFalse();
    }

    @Test
    void aBrowserStillIdentifiedAfterTheUserSignedOutIsResetAndNotIdentifiedAgain(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(nodeAvailable(), "node is not installed: the rendered snippet is checked as text only");

        JsonObject run = runInNode(dir, SnippetRenderer.render(context(IdentifyMode.EMAIL, null)), "identified");

        assertThat(run.getJsonArray("loadedCalls")).isEqualTo(json("[[\"reset\"],[\"unregister\",\"user_id\"],"
                + "[\"unregister\",\"user_email\"],[\"unregister\",\"user_name\"],"
                + "[\"register\",{\"environment\":\"production\",\"release\":\"2.4.1\"}]]"));
        assertThat(run.get("styleNonce")).as("no CSP nonce on the page: posthog-js's <style> elements are left as they are")
                .isEqualTo(jakarta.json.JsonValue.NULL);
    }

    // ---- one prepared snippet, many pages ----

    @Test
    void aPreparedSnippetGivesEachPageItsOwnUserHostFlagsAndNonceAndTheSameAsRenderingAfresh() {
        SnippetRenderer.Prepared prepared = SnippetRenderer.prepare(context(IdentifyMode.FULL, null));
        SnippetContext.User grace = new SnippetContext.User("u-9", "grace@example.com", "Grace Hopper");

        String ada = prepared.render(ADA, "agnes.example", Map.of("beta", true), "n0nce1").text();
        String anonymous = prepared.render(null, "other.example:8443", Map.of(), null).text();
        String graces = prepared.render(grace, "agnes.example", Map.of(), "n0nce2").text();

        assertThat(ada).startsWith("<script nonce=\"n0nce1\">").contains("ph.identify(\"u-7\"").doesNotContain("u-9");
        assertThat(config(ada).getJsonObject("bootstrap")).isEqualTo(
                json("{\"distinctID\":\"u-7\",\"isIdentifiedID\":true,\"featureFlags\":{\"beta\":true}}"));
        assertThat(anonymous).startsWith("<script>").doesNotContain("u-7").doesNotContain("ph.identify(");
        assertThat(config(anonymous).getJsonArray("tracing_headers")).isEqualTo(json("[\"other.example\"]"));
        assertThat(graces).startsWith("<script nonce=\"n0nce2\">").contains("ph.identify(\"u-9\"")
                .doesNotContain("u-7").doesNotContain("beta");
        assertThat(config(graces).getJsonArray("tracing_headers")).isEqualTo(json("[\"agnes.example\"]"));
        // the prepared path is the only one: rendering a whole context afresh gives the same text
        SnippetContext adaContext = context(IdentifyMode.FULL, ADA);
        assertThat(ada).isEqualTo(SnippetRenderer.render(withFlags(new SnippetContext(adaContext.projectKey(),
                adaContext.apiHost(), null, null, adaContext.environment(), adaContext.release(), IdentifyMode.FULL, ADA,
                true, "", "agnes.example", Map.of(), "n0nce1", SnippetRenderer.DEFAULTS), Map.of("beta", true))));
    }

    @Test
    void aPreparedSnippetChecksWhatEachPageBrings() {
        SnippetRenderer.Prepared prepared = SnippetRenderer.prepare(context(IdentifyMode.EMAIL, null));

        assertThatThrownBy(() -> prepared.render(ADA, "agnes.example", Map.of(), "a\"onload=x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonce");
        assertThatThrownBy(() -> prepared.render(ADA, "agnes.example", Map.of("n", 3), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'n'");
        assertThat(config(prepared.render(ADA, "evil\"</script>", Map.of(), null).text()).containsKey("tracing_headers"))
                .isFalse();
    }

    @Test
    void whatAPreparedSnippetKeepsPerUserAndHostNeverLeaksIntoAnotherPage() throws IOException {
        SnippetRenderer.Prepared prepared = SnippetRenderer.prepare(context(IdentifyMode.FULL, null));
        SnippetContext.User renamed = new SnippetContext.User(ADA.id(), "ada@lovelace.example", "Ada King");

        String first = prepared.render(ADA, "agnes.example", Map.of(), "n1").text();
        String withFlags = prepared.render(ADA, "agnes.example", Map.of("beta", true), "n2").text();
        String again = prepared.render(ADA, "agnes.example", Map.of(), "n3").text();
        String afterRename = prepared.render(renamed, "other.example", Map.of(), "n4").text();
        String anonymous = prepared.render(null, "other.example", Map.of(), "n5").text();

        assertThat(config(withFlags).getJsonObject("bootstrap").getJsonObject("featureFlags")).isEqualTo(json("{\"beta\":true}"));
        // the flags of one page are not kept for the next
        assertThat(again).isEqualTo(first.replace("n1", "n3")).doesNotContain("beta");
        assertThat(superProperties(afterRename).getString("user_email")).isEqualTo("ada@lovelace.example");
        assertThat(afterRename).contains("\"name\":\"Ada King\"").doesNotContain(ADA.email());
        assertThat(config(afterRename).getJsonArray("tracing_headers")).isEqualTo(json("[\"other.example\"]"));
        assertThat(anonymous).doesNotContain(ADA.id()).doesNotContain("ph.identify(");
        // each piece's bytes are its text: what the injector copies into an ASCII-compatible page
        Snippet snippet = prepared.render(ADA, "agnes.example", Map.of(), "n6");
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        assertThat(snippet.ascii()).isTrue();
        snippet.writeAscii(written);
        assertThat(written.toString(StandardCharsets.US_ASCII)).isEqualTo(snippet.text());
        assertThat(snippet.asciiLength()).isEqualTo(written.size());
    }

    @Test
    void intoACompressedBodyAllButThePagesNonceAndFlagsGoAsCompressedOnceAndInARow() throws IOException {
        SnippetRenderer.Prepared prepared = SnippetRenderer.prepare(context(IdentifyMode.FULL, null));
        Snippet snippet = prepared.render(ADA, "agnes.example", Map.of(), "n0nce");
        CompressedBody body = new CompressedBody();

        snippet.writeAscii(body);

        assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo(snippet.text());
        // the page's own tag as text, then nothing but compressed pieces: a gzip body ends one deflate block for them
        assertThat(body.kinds).containsExactly("text", "deflated", "deflated", "deflated", "deflated");
        assertThat(body.writes.get(0)).isEqualTo("<script nonce=\"n0nce\"");
        assertThat(body.writes.get(1)).contains(SnippetRenderer.STUB).doesNotContain(ADA.id());
        assertThat(body.writes.get(2)).contains("tracing_headers").contains("agnes.example");
        assertThat(body.writes.get(3)).contains("ph.identify(\"u-7\"");
        assertThat(body.writes.get(4)).contains(SnippetRenderer.ERROR_LISTENERS).doesNotContain(ADA.id());

        // the next page of the same user and host (a new User each request, as the filter makes them): the same
        // compressed pieces, not compressed again
        CompressedBody next = new CompressedBody();
        prepared.render(new SnippetContext.User(ADA.id(), ADA.email(), ADA.name()), "agnes.example", Map.of(), "other")
                .writeAscii(next);
        assertThat(next.pieces.subList(1, 5)).containsExactlyElementsOf(body.pieces.subList(1, 5));
        assertThat(next.writes.get(0)).isEqualTo("<script nonce=\"other\"");

        // a page's flags are its own: that part goes as text
        CompressedBody withFlags = new CompressedBody();
        prepared.render(ADA, "agnes.example", Map.of("beta", true), null).writeAscii(withFlags);
        assertThat(withFlags.kinds).containsExactly("text", "deflated", "deflated", "text", "deflated");
        assertThat(withFlags.writes.get(3)).contains("\"beta\":true");

        // anything else (a plain stream) gets the bytes
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        snippet.writeAscii(all);
        assertThat(all.toString(StandardCharsets.US_ASCII)).isEqualTo(snippet.text());
    }

    /** A gzip body as the snippet sees it: records each write as text or as a compressed piece. */
    private static final class CompressedBody extends ByteArrayOutputStream implements DeflatedSink {
        final List<String> kinds = new ArrayList<>();
        final List<String> writes = new ArrayList<>();
        final List<Deflated> pieces = new ArrayList<>();

        @Override
        public void writeDeflated(Deflated piece) {
            record("deflated", piece.bytes(), 0, piece.bytes().length);
            pieces.add(piece);
            super.write(piece.bytes(), 0, piece.bytes().length);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            record("text", bytes, offset, length);
            pieces.add(null);
            super.write(bytes, offset, length);
        }

        private void record(String kind, byte[] bytes, int offset, int length) {
            kinds.add(kind);
            writes.add(new String(bytes, offset, length, StandardCharsets.US_ASCII));
        }
    }

    // ---- helpers ----

    private static SnippetContext withFlags(SnippetContext c, Map<String, Object> flags) {
        return new SnippetContext(c.projectKey(), c.apiHost(), c.uiHost(), c.assetHost(), c.environment(), c.release(),
                c.identifyMode(), c.user(), c.replay(), c.extraMaskSelector(), c.tracingHost(), flags, c.nonce(),
                c.defaults());
    }

    private static SnippetContext withTracingHost(String host) {
        SnippetContext c = context(IdentifyMode.EMAIL, null);
        return new SnippetContext(c.projectKey(), c.apiHost(), c.uiHost(), c.assetHost(), c.environment(), c.release(),
                c.identifyMode(), c.user(), c.replay(), c.extraMaskSelector(), host, c.bootstrapFlags(), c.nonce(),
                c.defaults());
    }

    /** The script's text as the HTML tokenizer delimits it: from the start tag's {@code >} to the first "</script". */
    private static String scriptBody(String snippet) {
        int start = snippet.indexOf('>') + 1;
        int end = snippet.toLowerCase(Locale.ROOT).indexOf("</script", start);
        return snippet.substring(start, end < 0 ? snippet.length() : end);
    }

    /** The init options as data: the JSON object before the appended {@code loaded} function, without the style hook. */
    private static JsonObject config(String rendered) {
        String snippet = rendered.replace(SnippetRenderer.STYLESHEET_NONCE, "");
        int start = snippet.indexOf("posthog.init(");
        int objectStart = snippet.indexOf(",{", start) + 1;
        int loaded = snippet.indexOf(",\"loaded\":function(ph){", objectStart);
        return json(snippet.substring(objectStart, loaded) + "}");
    }

    private static JsonObject superProperties(String snippet) {
        return objectAt(snippet, "ph.register(");
    }

    private static JsonObject objectAt(String text, String prefix) {
        int at = text.indexOf(prefix);
        assertThat(at).as("'%s' in the snippet", prefix).isNotNegative();
        try (JsonParser parser = Json.createParser(new StringReader(text.substring(at + prefix.length())))) {
            parser.next();
            return parser.getObject();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends jakarta.json.JsonValue> T json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return (T) reader.readValue();
        }
    }

    private static Boolean nodeAvailable;

    private static synchronized boolean nodeAvailable() {
        if (nodeAvailable == null) {
            try {
                Process process = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
                nodeAvailable = process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
            } catch (IOException e) {
                nodeAvailable = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                nodeAvailable = false;
            }
        }
        return nodeAvailable;
    }

    private static JsonObject runInNode(Path dir, String snippet, String storedUserState) throws Exception {
        Path body = Files.writeString(dir.resolve("snippet.js"), scriptBody(snippet), StandardCharsets.UTF_8);
        Path harness = Path.of(SnippetRendererTest.class.getResource("snippet-harness.js").toURI());
        java.util.regex.Matcher nonce = java.util.regex.Pattern.compile("^<script nonce=\"([^\"]*)\"").matcher(snippet);
        Process process = new ProcessBuilder("node", harness.toString(), body.toString(), storedUserState,
                nonce.find() ? nonce.group(1) : "")
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("node finished").isTrue();
        assertThat(process.exitValue()).as("node exit; stderr: %s", Files.readString(dir.resolve("stderr.txt"))).isZero();
        return json(out);
    }
}
