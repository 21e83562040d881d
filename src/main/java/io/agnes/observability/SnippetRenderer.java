package io.agnes.observability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders the PostHog browser snippet of one response: a single {@code <script>} element, ready to be inserted into
 * the page's {@code <head>} (see {@code docs/observability.md}, "Browser: the snippet").
 *
 * <p>What it contains, in order:
 * <ol>
 * <li>A guard: when the page already has a posthog-js (the stub of an earlier copy, or a loaded instance) the
 * script does nothing, so a second copy never initialises twice or adds its listeners twice.</li>
 * <li>PostHog's official stub loader ({@link #STUB}): a queue standing in for posthog-js and an async
 * {@code array.js} load.</li>
 * <li>{@code posthog.init(key, config)}. The config is written by {@link EventJson#writeForScript}, so every
 * embedded value is escaped for a script context; the {@code loaded} callback and the hook that gives posthog-js's
 * own {@code <style>} elements the script's CSP nonce ({@link #STYLESHEET_NONCE}) are code, appended to it.</li>
 * <li>{@code error} and {@code unhandledrejection} listeners that forward to {@code posthog.captureException}
 * until posthog-js's own exception autocapture is installed, never throwing.</li>
 * </ol>
 *
 * <p>Identity is {@link EventIdentity#forRequest}'s, so the browser and the backend name the same person: a
 * signed-in user in a mode that sends the id is bootstrapped and identified with the backend's distinct id and the
 * super-properties {@code user_id}, {@code user_email}, {@code user_name} that {@link IdentifyMode} allows; everyone
 * else (anonymous visitors, and everybody in mode {@code none}) is neither bootstrapped nor identified and carries
 * no user super-property.
 *
 * <p>Stateless and thread-safe; rendering the same context gives the same text.
 */
public final class SnippetRenderer {

    /**
     * posthog-js {@code defaults}: the newest behaviour bundle documented in posthog-js's own config reference when
     * this was written (it also turns on URL-fragment stripping, {@code disable_capture_url_hashes}). Later dates
     * known to posthog-js 1.449 ({@code 2026-08-30} adds JSON-LD capture to replays) are not taken blindly: a new
     * date can widen what is captured, so moving it is a reviewed change. Options set explicitly in the config win.
     */
    public static final String DEFAULTS = "2026-06-25";

    /** Text inside these elements is masked in session replays; the operator's selector is appended. */
    public static final String MASK_TEXT_SELECTOR = "[data-sensitive], .data-cell, .query-result, .sql-output, code, pre";

    /**
     * The posthog-js stub loader exactly as PostHog's web installation docs publish it (2026), with two changes:
     * {@code array.js} comes from {@code asset_host} when one is set (as every other {@code /static/} script does),
     * and the loop test {@code n<o.length} is written {@code o.length>n} so the script body contains no {@code <}
     * at all — the invariant that makes an HTML breakout impossible, checked by the tests. {@code d} is the
     * document, passed by the wrapper.
     */
    static final String STUB = "!function(t,e){var o,n,p,r;e.__SV||(window.posthog && window.posthog.__loaded)||"
            + "(window.posthog=e,e._i=[],e.init=function(i,s,a){function g(t,e){var o=e.split(\".\");2==o.length&&"
            + "(t=t[o[0]],e=o[1]),t[e]=function(){t.push([e].concat(Array.prototype.slice.call(arguments,0)))}}"
            + "p||((p=t.createElement(\"script\")).type=\"text/javascript\",p.crossOrigin=\"anonymous\",p.async=!0,"
            + "p.src=(s.asset_host||s.api_host.replace(\".i.posthog.com\",\"-assets.i.posthog.com\"))+\"/static/array.js\","
            + "p.onerror=function(){p=null},(r=t.getElementsByTagName(\"script\")[0]).parentNode.insertBefore(p,r));"
            + "var u=e;for(void 0!==a?u=e[a]=[]:a=\"posthog\",u.people=u.people||[],"
            + "Object.defineProperty(u,\"toString\",{configurable:!0,enumerable:!0,writable:!0,value:function(t){"
            + "var e=\"posthog\";return\"posthog\"!==a&&(e+=\".\"+a),t||(e+=\" (stub)\"),e}}),"
            + "Object.defineProperty(u.people,\"toString\",{configurable:!0,enumerable:!0,writable:!0,value:function(){"
            + "return u.toString(1)+\".people (stub)\"}}),o=\"" + String.join(" ", List.of(
                    "init capture register register_once register_for_session unregister unregister_for_session",
                    "getFeatureFlag getFeatureFlagResult isFeatureEnabled reloadFeatureFlags",
                    "updateEarlyAccessFeatureEnrollment getEarlyAccessFeatures on onFeatureFlags onSessionId getSurveys",
                    "getActiveMatchingSurveys renderSurvey canRenderSurvey getNextSurveyStep identify setPersonProperties",
                    "group resetGroups setPersonPropertiesForFlags resetPersonPropertiesForFlags",
                    "setGroupPropertiesForFlags resetGroupPropertiesForFlags reset get_distinct_id getGroups",
                    "get_session_id get_session_replay_url alias set_config startSessionRecording stopSessionRecording",
                    "sessionRecordingStarted captureException loadToolbar get_property getSessionProperty",
                    "createPersonProfile opt_in_capturing opt_out_capturing has_opted_in_capturing",
                    "has_opted_out_capturing clear_opt_in_out_capturing debug"))
            + "\".split(\" \"),n=0;o.length>n;n++)g(u,o[n]);e._i.push([i,s,a])},e.__SV=1)}(d,window.posthog||[]);";

    /**
     * Forwards page errors to PostHog while posthog-js's own exception autocapture ({@code capture_exceptions}) is
     * not installed yet: before posthog-js has loaded the call is queued by the stub and sent on load; once the
     * exception-autocapture extension is present it wraps {@code window.onerror} itself, and forwarding here too
     * would send every error twice. Nothing here may throw: a missing or broken posthog must not add an error.
     */
    static final String ERROR_LISTENERS = "function c(x){try{var p=w.posthog,e=w.__PosthogExtensions__;"
            + "if(p&&p.captureException&&!(p.__loaded&&e&&e.errorWrappingFunctions))p.captureException(x)}catch(_){}}"
            + "w.addEventListener(\"error\",function(v){c(v.error||new Error(v.message||\"Script error\"))});"
            + "w.addEventListener(\"unhandledrejection\",function(v){"
            + "c(v.reason!=null?v.reason:new Error(\"Unhandled promise rejection\"))});";

    /**
     * The nonce of the snippet's own {@code <script>} element (the response's CSP nonce; empty without one), read
     * where the script runs, so the text every page shares stays shared.
     */
    static final String NONCE = "var nonce=d.currentScript&&d.currentScript.nonce;";

    /**
     * posthog-js's surveys, product tours and conversations style themselves with a {@code <style>} element of their
     * own, which a CSP without {@code 'unsafe-inline'} in {@code style-src} (Agnes' own) blocks unless it carries the
     * page's nonce: unstyled, a survey is a few lines of text in the page's flow. Agnes' policy allows the same nonce
     * for scripts and styles ({@code ContentSecurityPolicy}). Scripts need nothing: posthog-js loads them from the
     * assets host, which {@code script-src} lists.
     */
    static final String STYLESHEET_NONCE = ",\"prepare_external_dependency_stylesheet\":function(s){if(nonce)s.nonce=nonce;return s}";

    private static final List<String> USER_PROPERTIES = List.of(IdentifyMode.USER_ID, IdentifyMode.USER_EMAIL,
            IdentifyMode.USER_NAME);

    private SnippetRenderer() {
    }

    /** The complete {@code <script>…</script>} element for one response. */
    public static String render(SnippetContext context) {
        return prepare(context).render(context.user(), context.tracingHost(), context.bootstrapFlags(), context.nonce())
                .text();
    }

    /**
     * The snippet of a deployment, with everything every page shares rendered once: {@code deployment}'s user,
     * tracing host, flags and nonce are ignored; {@link Prepared#render} adds them per response.
     */
    public static Prepared prepare(SnippetContext deployment) {
        return new Prepared(deployment);
    }

    /**
     * A deployment's snippet, ready for {@link #render}ing per response. The guard, the stub loader, the project
     * key and the configuration options that are the same for every page (hosts, defaults, capture and replay
     * options: about nine tenths of the text) are rendered and encoded once; so are the identity part
     * ({@code bootstrap} and the {@code loaded} callback) of each user without flags, and the {@code tracing_headers}
     * of each host. A response's {@link Snippet} is these pieces plus its nonce, none of them copied. Every kept piece
     * is also compressed once: a gzip page then takes all of them in a row after its nonce, and its deflater ends one
     * block for the whole snippet instead of one per piece of page text between them (each block end builds Huffman
     * trees: ~15 µs per gzip page on the load machine, docs/performance.md). Thread-safe.
     */
    public static final class Prepared {

        /** Users whose identity part is kept: more than a server's active users, few enough to never matter. */
        static final int IDENTITIES_KEPT = 1024;
        /** Host names whose {@code tracing_headers} option is kept. */
        static final int TRACING_HOSTS_KEPT = 64;

        private static final Snippet.Piece SCRIPT_START = Snippet.Piece.of("<script");
        private static final Snippet.Piece NOTHING = Snippet.Piece.of("");

        private final SnippetContext deployment;
        /** From the end of the opening tag's attributes to the last option shared by every page, open for more. */
        private final Snippet.Piece opening;
        private final Snippet.Piece closing;
        /** {@code bootstrap} and {@code loaded} of an anonymous visitor, and of each signed-in user without flags. */
        private final Snippet.Piece anonymous;
        private final Map<SnippetContext.User, Snippet.Piece> identities = new ConcurrentHashMap<>();
        /** Request host names and their {@code tracing_headers} option: nearly every page has one of a few. */
        private final Map<String, Snippet.Piece> tracingHosts = new ConcurrentHashMap<>();

        private Prepared(SnippetContext deployment) {
            this.deployment = deployment;
            String config = EventJson.writeForScript(sharedConfig(deployment));
            this.opening = Snippet.Piece.shared(">(function(w,d){if(w.posthog&&(w.posthog.__SV||w.posthog.__loaded))return;\n"
                    + NONCE + STUB + '\n' + "posthog.init(" + EventJson.writeForScript(deployment.projectKey()) + ','
                    + config.substring(0, config.length() - 1) + STYLESHEET_NONCE);
            this.closing = Snippet.Piece.shared("});\n" + ERROR_LISTENERS + "\n})(window,document);</script>");
            this.anonymous = identityPiece(EventIdentity.anonymous(), Map.of(), true);
        }

        /**
         * The element for one response.
         *
         * @param user        the signed-in user, {@code null} when anonymous
         * @param tracingHost the request's host name (for {@code tracing_headers}); dropped when it cannot be one
         * @param flags       server-evaluated flags for this user, may be empty or {@code null}
         * @param nonce       the response's CSP nonce, may be {@code null}
         * @throws IllegalArgumentException for a nonce outside the CSP base64 alphabet or a flag value that is neither
         *                                  boolean nor string (as {@link SnippetContext} checks them)
         */
        public Snippet render(SnippetContext.User user, String tracingHost, Map<String, Object> flags, String nonce) {
            String checkedNonce = SnippetContext.nonce(nonce);
            Map<String, Object> checkedFlags = SnippetContext.flags(flags);
            Snippet.Piece start = checkedNonce == null ? SCRIPT_START
                    : Snippet.Piece.ofAscii("<script nonce=\"" + checkedNonce + '"'); // the nonce is base64
            return Snippet.of(start, opening, tracingHeaders(tracingHost), identity(user, checkedFlags), closing);
        }

        private Snippet.Piece tracingHeaders(String requestHost) {
            if (requestHost == null) {
                return NOTHING;
            }
            Snippet.Piece kept = tracingHosts.get(requestHost);
            if (kept == null) {
                if (tracingHosts.size() >= TRACING_HOSTS_KEPT) {
                    tracingHosts.clear(); // the Host header is the client's to choose: bounded, like the identities
                }
                String host = SnippetContext.hostName(requestHost);
                kept = host == null ? NOTHING
                        : Snippet.Piece.shared(",\"tracing_headers\":" + EventJson.writeForScript(List.of(host)));
                tracingHosts.put(requestHost, kept);
            }
            return kept;
        }

        /**
         * {@code bootstrap} and the {@code loaded} callback. The same for every page of a user without flags, so
         * kept per user (name and email are part of the key: a renamed user gets a fresh one).
         */
        private Snippet.Piece identity(SnippetContext.User user, Map<String, Object> flags) {
            if (user == null) {
                return anonymous;
            }
            if (!flags.isEmpty()) {
                EventIdentity identity = identityOf(user);
                if (identity.person()) {
                    return identityPiece(identity, flags, false);
                }
            }
            Snippet.Piece kept = identities.get(user);
            if (kept == null) {
                if (identities.size() >= IDENTITIES_KEPT) {
                    identities.clear(); // simpler than an LRU; a server with this many active users renders them anew
                }
                kept = identityPiece(identityOf(user), Map.of(), true);
                identities.put(user, kept);
            }
            return kept;
        }

        private EventIdentity identityOf(SnippetContext.User user) {
            return EventIdentity.forRequest(deployment.identifyMode(), user.id(), user.email(), user.name(), null);
        }

        /** @param kept whether the piece goes into many pages: then it is compressed once, now (a gzip page splices it) */
        private Snippet.Piece identityPiece(EventIdentity identity, Map<String, Object> flags, boolean kept) {
            StringBuilder out = new StringBuilder(512);
            Map<String, Object> bootstrap = new LinkedHashMap<>();
            if (identity.person()) {
                bootstrap.put("distinctID", identity.distinctId());
                bootstrap.put("isIdentifiedID", true);
                if (!flags.isEmpty()) {
                    // evaluated for the server's distinct id: wrong for a browser that does not carry it
                    bootstrap.put("featureFlags", flags);
                }
            }
            if (!bootstrap.isEmpty()) {
                out.append(",\"bootstrap\":").append(EventJson.writeForScript(bootstrap));
            }
            out.append(",\"loaded\":").append(loaded(deployment, identity));
            return kept ? Snippet.Piece.shared(out.toString()) : Snippet.Piece.of(out.toString());
        }
    }

    /**
     * The init options every page shares (everything but {@code tracing_headers}, {@code bootstrap} and
     * {@code loaded}); never empty, it always has {@code api_host}.
     */
    private static Map<String, Object> sharedConfig(SnippetContext context) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("api_host", context.apiHost());
        if (context.uiHost() != null) {
            config.put("ui_host", context.uiHost());
        }
        if (context.assetHost() != null) {
            config.put("asset_host", context.assetHost());
        }
        config.put("defaults", context.defaults());
        config.put("person_profiles", "identified_only");
        config.put("capture_pageview", true);
        config.put("capture_pageleave", true);
        config.put("autocapture", false);
        config.put("capture_exceptions", true);
        // from defaults 2026-01-30 on, visitors on localhost/127.0.0.1 would be flagged as internal/test users by
        // setting a person property, i.e. creating a person profile for an anonymous visitor and in mode none;
        // Agnes labels its deployments with the environment super-property instead
        config.put("internal_or_test_user_hostname", null);
        if (context.replay()) {
            Map<String, Object> recording = new LinkedHashMap<>();
            recording.put("maskAllInputs", true);
            recording.put("maskTextSelector", context.extraMaskSelector().isEmpty() ? MASK_TEXT_SELECTOR
                    : MASK_TEXT_SELECTOR + ", " + context.extraMaskSelector());
            recording.put("recordCrossOriginIframes", false);
            config.put("session_recording", recording);
        } else {
            config.put("disable_session_recording", true);
        }
        return config;
    }

    /**
     * The {@code loaded(ph)} callback: super-properties, then identify per mode. posthog-js persists
     * super-properties and identity in the browser, so the callback also removes what the current configuration
     * no longer allows: user properties registered under a more open mode or by the previous user, and the
     * identity of a user who is no longer signed in (signed out, session expired) or that mode {@code none} forbids
     * ({@code posthog.reset()}); and a browser identified as another user is reset before the new user is
     * identified, so the two are never merged.
     */
    private static String loaded(SnippetContext context, EventIdentity identity) {
        StringBuilder js = new StringBuilder("function(ph){");
        String distinctId = identity.person() ? EventJson.writeForScript(identity.distinctId()) : null;
        if (identity.person()) {
            js.append("if(ph.get_property(\"$user_state\")===\"identified\"&&ph.get_distinct_id()!==").append(distinctId)
                    .append(")ph.reset();");
        } else {
            // nobody signed in (after a sign-out, or an expired session) or mode none: a browser still identified as
            // a user would file this visitor's page views and replays under that user, on a shared machine too
            js.append("if(ph.get_property(\"$user_state\")===\"identified\")ph.reset();");
        }
        for (String property : USER_PROPERTIES) {
            if (!identity.userProperties().containsKey(property)) {
                js.append("ph.unregister(\"").append(property).append("\");");
            }
        }
        Map<String, Object> superProperties = new LinkedHashMap<>();
        superProperties.put("environment", context.environment());
        if (context.release() != null) {
            superProperties.put("release", context.release());
        }
        for (String property : USER_PROPERTIES) {
            if (identity.userProperties().containsKey(property)) {
                superProperties.put(property, identity.userProperties().get(property));
            }
        }
        js.append("ph.register(").append(EventJson.writeForScript(superProperties)).append(");");
        if (identity.person()) {
            Map<String, Object> personProperties = new LinkedHashMap<>();
            Object email = identity.userProperties().get(IdentifyMode.USER_EMAIL);
            Object name = identity.userProperties().get(IdentifyMode.USER_NAME);
            if (email != null) {
                personProperties.put("email", email);
            }
            if (name != null) {
                personProperties.put("name", name);
            }
            js.append("ph.identify(").append(distinctId).append(',')
                    .append(EventJson.writeForScript(personProperties)).append(");");
        }
        return js.append('}').toString();
    }
}
