package io.agnes.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostHog as both Agnes' server and a browser running the real posthog-js see it, on 127.0.0.1: what a PostHog Cloud
 * project with session replay on answers. Unlike {@link FakePostHog} (the server's batches only), it serves:
 * <ul>
 * <li>{@code /static/*}: the files of the pinned posthog-js package ({@code array.js}, {@code lazy-recorder.js},
 * {@code exception-autocapture.js}, {@code tracing-headers.js}, …; also under {@code /static/<version>/});</li>
 * <li>{@code /array/<key>/config} and {@code /array/<key>/config.js}: the project's remote config (replay on,
 * gzip, events to {@code /i/v0/e/}, as PostHog Cloud answers today);</li>
 * <li>{@code /e/}, {@code /i/v0/e/}, {@code /s/} (browser events and replay, any body encoding — see
 * {@link PostHogJsBodies}), {@code /batch/} (Agnes' server events), {@code /flags/} and {@code /decide/} (both
 * sides' feature flags, told apart by the body: the server sends {@code api_key}, posthog-js {@code token});</li>
 * <li>{@code /api/surveys/}: the surveys a test added ({@link #survey}), none by default;</li>
 * <li>PostHog's toolbar, as a stand-in (the real {@code toolbar.js} is PostHog's app's, not in the npm package):
 * {@code /static/toolbar.js}, which posthog-js loads from the assets host when a page is opened with a toolbar
 * launch link ({@code #__posthog=…}); like the real one it draws in a shadow root only once its stylesheet
 * {@code <ui host>/static/toolbar.css} has loaded, shows an image from there ({@code /static/toolbar-logo.svg}),
 * and asks the ui host's API ({@code /api/users/@me/}) with the launch link's temporary token;</li>
 * <li>CORS: every answer allows the calling origin (Agnes' pages are another origin), preflights included.</li>
 * </ul>
 * Anything else is answered 404 and kept in {@link #unknownRequests()}, so a test notices when posthog-js starts
 * using an endpoint this fake does not know.
 */
public final class FakePostHogCloud implements AutoCloseable {

    /** Where an event came from. */
    public enum Source { BROWSER, SERVER }

    /** One event as received, with the path it was posted to and the encoding of its request. */
    public record Captured(Source source, String path, String encoding, JsonObject event) {

        public String name() {
            return event.getString("event", "");
        }

        public JsonObject properties() {
            JsonObject properties = event.getJsonObject("properties");
            return properties == null ? JsonValue.EMPTY_JSON_OBJECT : properties;
        }

        /** A property as text ({@code null} when absent; non-strings as JSON). */
        public String property(String key) {
            return FakePostHog.string(properties(), key);
        }

        /** The distinct id: top level (server) or in the properties (posthog-js). */
        public String distinctId() {
            String id = FakePostHog.string(event, "distinct_id");
            return id != null ? id : property("distinct_id");
        }

        public String sessionId() {
            return property("$session_id");
        }
    }

    /** One request as received; header names lower case. */
    public record Request(String method, String path, String query, Map<String, String> headers, int status) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private static final Pattern STATIC = Pattern.compile("/static/(?:[0-9][0-9A-Za-z.+-]*/)?([A-Za-z0-9_.-]+\\.js(?:\\.map)?)");
    /** Who the toolbar stand-in's {@code /api/users/@me/} says is signed in to PostHog. */
    public static final String TOOLBAR_USER = "toolbar-user@posthog.example";
    /** A file the fake serves as it is. */
    private record Served(String contentType, String content) {
    }

    /**
     * The toolbar stand-in, by path. posthog-js calls {@code ph_load_toolbar(params, posthog)} once
     * {@code toolbar.js} has run, with {@code params.apiURL} its {@code ui_host}.
     */
    private static final Map<String, Served> TOOLBAR = Map.of(
            "/static/toolbar.js", new Served("application/javascript; charset=utf-8", """
                    window.ph_load_toolbar = function (params, posthog) {
                      var host = document.createElement('div');
                      host.id = '__POSTHOG_TOOLBAR__';
                      var root = host.attachShadow({mode: 'open'});
                      var styles = document.createElement('div');
                      root.appendChild(styles);
                      var link = document.createElement('link');
                      link.rel = 'stylesheet';
                      link.href = params.apiURL + '/static/toolbar.css';
                      link.onload = function () {
                        fetch(params.apiURL + '/api/users/@me/?temporary_token=' + encodeURIComponent(params.temporaryToken))
                          .then(function (response) { return response.json(); })
                          .then(function (me) {
                            var bar = document.createElement('div');
                            bar.className = 'toolbar';
                            bar.textContent = 'PostHog toolbar for ' + me.email;
                            var logo = document.createElement('img');
                            logo.alt = 'PostHog';
                            logo.src = params.apiURL + '/static/toolbar-logo.svg';
                            bar.appendChild(logo);
                            root.appendChild(bar);
                          });
                      };
                      styles.appendChild(link);
                      document.body.appendChild(host);
                    };
                    """),
            "/static/toolbar.css", new Served("text/css; charset=utf-8",
                    ".toolbar { position: fixed; bottom: 8px; right: 8px; z-index: 2147483647; }\n"),
            "/static/toolbar-logo.svg", new Served("image/svg+xml",
                    "<svg xmlns='http://www.w3.org/2000/svg' width='16' height='16'><rect width='16' height='16'/></svg>"));

    private static final Pattern REMOTE_CONFIG = Pattern.compile("/array/([^/]+)/config(\\.js)?");

    private final HttpServer server;
    private final Path dist;
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService executor = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-posthog-cloud-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Captured> events = new CopyOnWriteArrayList<>();
    private final List<JsonObject> flagsRequests = new CopyOnWriteArrayList<>();
    private final Map<String, Object> flags = new ConcurrentHashMap<>();
    private volatile int browserFlagsStatus = 200;
    /** The project's surveys ({@code /api/surveys/}); none: the remote config says surveys are off. */
    private final List<JsonObject> surveys = new CopyOnWriteArrayList<>();

    private FakePostHogCloud(Path dist) {
        this.dist = dist.toAbsolutePath().normalize();
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @param posthogJsDist the {@code dist} folder of the posthog-js package served under {@code /static/} */
    public static FakePostHogCloud start(Path posthogJsDist) {
        return new FakePostHogCloud(posthogJsDist);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Both sides' {@code /flags/} answer this flag from now on: {@link Boolean} or a variant string. */
    public FakePostHogCloud flag(String key, Object value) {
        flags.put(key, value);
        return this;
    }

    /**
     * The browser's {@code /flags/} requests get this status from now on (200: the flags; anything else: an error
     * without flags, so posthog-js keeps what it was bootstrapped with). The server's are always answered.
     */
    public FakePostHogCloud browserFlagsStatus(int status) {
        browserFlagsStatus = status;
        return this;
    }

    /**
     * A running popover survey with one open question, shown to everyone on every page (no conditions) from now on:
     * the remote config turns surveys on and {@code /api/surveys/} lists it. {@link #clearSurveys} ends that.
     */
    public FakePostHogCloud survey(String id, String question) {
        surveys.add(Json.createObjectBuilder()
                .add("id", id).add("name", "Survey " + id).add("description", "").add("type", "popover")
                .add("questions", Json.createArrayBuilder().add(Json.createObjectBuilder()
                        .add("id", id + "-q1").add("type", "open").add("question", question)
                        .add("description", "").add("originalQuestionIndex", 0)))
                .addNull("conditions").addNull("appearance")
                .addNull("linked_flag_key").addNull("targeting_flag_key").addNull("internal_targeting_flag_key")
                .add("start_date", "2026-01-01T00:00:00Z").addNull("end_date")
                .addNull("current_iteration").addNull("current_iteration_start_date")
                .add("schedule", "once").build());
        return this;
    }

    public FakePostHogCloud clearSurveys() {
        surveys.clear();
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests for paths this fake does not know (answered 404). */
    public List<Request> unknownRequests() {
        return requests.stream().filter(r -> r.status() == 404).toList();
    }

    public List<Captured> events() {
        return List.copyOf(events);
    }

    public List<Captured> browserEvents() {
        return events.stream().filter(e -> e.source() == Source.BROWSER).toList();
    }

    public List<Captured> serverEvents() {
        return events.stream().filter(e -> e.source() == Source.SERVER).toList();
    }

    /** Browser events named {@code name} that match. */
    public List<Captured> browserEvents(String name, Predicate<Captured> matching) {
        return browserEvents().stream().filter(e -> e.name().equals(name) && matching.test(e)).toList();
    }

    /** The decoded replay (see {@link PostHogJsBodies#replay}) of every {@code $snapshot} of a session, in arrival order. */
    public String replay(String sessionId) {
        StringBuilder replay = new StringBuilder();
        for (Captured snapshot : browserEvents("$snapshot", e -> sessionId.equals(e.sessionId()))) {
            replay.append(PostHogJsBodies.replay(snapshot.event())).append('\n');
        }
        return replay.toString();
    }

    /** The decoded bodies of the {@code /flags/} requests, both sides. */
    public List<JsonObject> flagsRequests() {
        return List.copyOf(flagsRequests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            allowCors(exchange);
            int status;
            if (exchange.getRequestMethod().equals("OPTIONS")) {
                status = preflight(exchange);
            } else if (path.equals("/batch/") || path.equals("/batch")) {
                status = capture(exchange, Source.SERVER);
            } else if (path.equals("/e/") || path.equals("/e") || path.equals("/i/v0/e/") || path.equals("/i/v0/e")
                    || path.equals("/s/") || path.equals("/s")) {
                status = capture(exchange, Source.BROWSER);
            } else if (path.startsWith("/flags") || path.startsWith("/decide")) {
                status = flags(exchange);
            } else if (path.equals("/api/surveys/") || path.equals("/api/surveys")) {
                JsonArrayBuilder listed = Json.createArrayBuilder();
                surveys.forEach(listed::add);
                status = answer(exchange, 200, "application/json",
                        Json.createObjectBuilder().add("surveys", listed).build().toString());
            } else if (TOOLBAR.containsKey(unversioned(path))) {
                Served file = TOOLBAR.get(unversioned(path));
                status = answer(exchange, 200, file.contentType(), file.content());
            } else if (path.equals("/api/users/@me/")) {
                // the token is not checked here: tests read it from requests()
                status = answer(exchange, 200, "application/json",
                        Json.createObjectBuilder().add("email", TOOLBAR_USER).build().toString());
            } else if (REMOTE_CONFIG.matcher(path).matches()) {
                status = remoteConfig(exchange, REMOTE_CONFIG.matcher(path));
            } else if (STATIC.matcher(path).matches()) {
                status = staticFile(exchange, STATIC.matcher(path));
            } else {
                exchange.getRequestBody().readAllBytes();
                status = answer(exchange, 404, "application/json", "{\"detail\":\"not an endpoint of this fake\"}");
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            requests.add(new Request(exchange.getRequestMethod(), path, exchange.getRequestURI().getRawQuery(), headers, status));
        }
    }

    private void allowCors(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        Headers out = exchange.getResponseHeaders();
        out.add("Access-Control-Allow-Origin", origin == null ? "*" : origin);
        if (origin != null) {
            out.add("Access-Control-Allow-Credentials", "true");
            out.add("Vary", "Origin");
        }
    }

    private int preflight(HttpExchange exchange) throws IOException {
        Headers in = exchange.getRequestHeaders();
        Headers out = exchange.getResponseHeaders();
        out.add("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        String requested = in.getFirst("Access-Control-Request-Headers");
        if (requested != null) {
            out.add("Access-Control-Allow-Headers", requested);
        }
        if (in.getFirst("Access-Control-Request-Private-Network") != null) {
            out.add("Access-Control-Allow-Private-Network", "true");
        }
        out.add("Access-Control-Max-Age", "600");
        exchange.sendResponseHeaders(204, -1);
        return 204;
    }

    private int capture(HttpExchange exchange, Source source) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String encoding = encoding(body, contentType);
        String path = exchange.getRequestURI().getPath();
        for (JsonObject event : PostHogJsBodies.events(PostHogJsBodies.json(body, contentType))) {
            events.add(new Captured(source, path, encoding, event));
        }
        return answer(exchange, 200, "application/json", "{\"status\":\"Ok\"}");
    }

    private static String encoding(byte[] body, String contentType) {
        if (body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
            return "gzip";
        }
        String text = new String(body, 0, Math.min(body.length, 5), StandardCharsets.US_ASCII);
        return text.startsWith("data=") ? "form" : "json";
    }

    private int flags(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        JsonStructure json = PostHogJsBodies.json(body, exchange.getRequestHeaders().getFirst("Content-Type"));
        JsonObject request = json instanceof JsonObject object ? object : JsonValue.EMPTY_JSON_OBJECT;
        flagsRequests.add(request);
        boolean fromServer = request.containsKey("api_key");
        if (!fromServer && browserFlagsStatus != 200) {
            return answer(exchange, browserFlagsStatus, "application/json", "{\"detail\":\"flags are failing (scripted)\"}");
        }
        JsonObjectBuilder answered = Json.createObjectBuilder();
        flags.forEach((key, value) -> {
            boolean enabled = !(value instanceof Boolean on) || on;
            JsonObjectBuilder flag = Json.createObjectBuilder().add("key", key).add("enabled", enabled)
                    .add("reason", Json.createObjectBuilder().add("code", "condition_match")
                            .add("description", "Matched condition set 1").add("condition_index", 0))
                    .add("metadata", Json.createObjectBuilder().add("id", Math.abs(key.hashCode() % 1000)).add("version", 1)
                            .addNull("payload"));
            if (value instanceof String variant) {
                flag.add("variant", variant);
            } else {
                flag.addNull("variant");
            }
            answered.add(key, flag);
        });
        String answer = Json.createObjectBuilder().add("flags", answered).add("errorsWhileComputingFlags", false)
                .add("quotaLimited", Json.createArrayBuilder()).add("requestId", "fake-request").build().toString();
        return answer(exchange, 200, "application/json", answer);
    }

    /**
     * What PostHog Cloud answers for a project with session replay on and the rest at its defaults: replay to
     * {@code /s/} with no sampling and no minimum duration, console logs and network payloads off, exception
     * autocapture off (Agnes' snippet turns it on itself), no heatmaps or site apps, and surveys only when the
     * project has one.
     */
    static String remoteConfig(String token, boolean surveys) {
        return Json.createObjectBuilder()
                .add("token", token)
                .add("supportedCompression", Json.createArrayBuilder().add("gzip").add("gzip-js"))
                .add("hasFeatureFlags", true)
                .add("captureDeadClicks", false)
                .add("capturePerformance", false)
                .add("autocapture_opt_out", true)
                .add("autocaptureExceptions", false)
                .add("analytics", Json.createObjectBuilder().add("endpoint", "/i/v0/e/"))
                .add("elementsChainAsString", true)
                .add("errorTracking", Json.createObjectBuilder().add("autocaptureExceptions", false)
                        .add("suppressionRules", Json.createArrayBuilder()))
                .add("sessionRecording", Json.createObjectBuilder()
                        .add("endpoint", "/s/")
                        .add("consoleLogRecordingEnabled", false)
                        .add("recorderVersion", "v2")
                        .addNull("sampleRate")
                        .addNull("minimumDurationMilliseconds")
                        .addNull("linkedFlag")
                        .addNull("networkPayloadCapture")
                        .addNull("masking")
                        .add("urlTriggers", Json.createArrayBuilder())
                        .add("urlBlocklist", Json.createArrayBuilder())
                        .add("eventTriggers", Json.createArrayBuilder())
                        .addNull("scriptConfig"))
                .add("heatmaps", false)
                .add("surveys", surveys)
                .add("productTours", false)
                .add("defaultIdentifiedOnly", true)
                .add("siteApps", Json.createArrayBuilder())
                .build().toString();
    }

    /** posthog-js asks for {@code /static/<its version>/x.js} first, then for {@code /static/x.js}: the same file. */
    private static String unversioned(String path) {
        return path.replaceFirst("^/static/[0-9][0-9A-Za-z.+-]*/", "/static/");
    }

    private int remoteConfig(HttpExchange exchange, Matcher matcher) throws IOException {
        matcher.matches();
        String token = matcher.group(1);
        String config = remoteConfig(token, !surveys.isEmpty());
        if (matcher.group(2) == null) {
            return answer(exchange, 200, "application/json", config);
        }
        String key = Json.createArrayBuilder().add(token).build().toString();
        String script = "(function(){window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};"
                + "window._POSTHOG_REMOTE_CONFIG[" + key.substring(1, key.length() - 1) + "]={config:" + config
                + ",siteApps:[]};})();";
        return answer(exchange, 200, "application/javascript; charset=utf-8", script);
    }

    private int staticFile(HttpExchange exchange, Matcher matcher) throws IOException {
        matcher.matches();
        Path file = dist.resolve(matcher.group(1)).normalize();
        if (!file.startsWith(dist) || !Files.isRegularFile(file)) {
            return answer(exchange, 404, "text/plain", "no such file in the posthog-js package: " + matcher.group(1));
        }
        byte[] content = Files.readAllBytes(file);
        exchange.getResponseHeaders().add("Content-Type", matcher.group(1).endsWith(".map")
                ? "application/json" : "application/javascript; charset=utf-8");
        exchange.sendResponseHeaders(200, content.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(content);
        }
        return 200;
    }

    private static int answer(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        return status;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
