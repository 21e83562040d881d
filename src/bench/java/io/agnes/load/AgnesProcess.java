package io.agnes.load;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/**
 * One Agnes on Payara Micro, started as users start it ({@code java -jar payara-micro.jar --deploy agnes.war}) on a
 * free loopback port with a fresh data directory and the given environment; signed in as the admin, so the load
 * carries the session cookie a browser would. Heap is read with {@code jcmd} (live set after a full GC).
 */
final class AgnesProcess implements AutoCloseable {

    /** A G1 pause or concurrent cycle line of {@code -Xlog:gc}: "GC(141) Pause Remark 201M->201M(1024M) 33.535ms". */
    private static final Pattern GC_EVENT = Pattern.compile("GC\\(\\d+\\) (Pause (?:Young|Remark|Cleanup|Full)|Concurrent Mark Cycle)\\b.* ([\\d.]+)ms$");

    private static final Pattern HEAP_USED = Pattern.compile("garbage-first heap\\s+total reserved \\d+K, committed \\d+K, used (\\d+)K"
            + "|garbage-first heap\\s+total \\d+K, used (\\d+)K");

    final String name;
    final int port;
    final Path dir;
    private final Process process;
    private final HttpClient http;
    private String sessionCookie;

    private AgnesProcess(String name, int port, Path dir, Process process) {
        this.name = name;
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Starts the process; {@link #awaitReady} waits for it. {@code env} adds to a cleaned copy of this process' environment. */
    static AgnesProcess start(String name, Path workDir, Map<String, String> env, String heap) throws IOException {
        Path dir = Files.createDirectories(workDir.resolve(name));
        Files.createDirectories(dir.resolve("data"));
        Files.createDirectories(dir.resolve("tmp"));
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xms" + heap, "-Xmx" + heap, "-Xlog:gc:file=" + dir.resolve("gc.log"),
                "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + dir.resolve("tmp"), "-jar", "target/payara-micro.jar", "--nocluster",
                "--addLibs", "target/server-lib",
                "--disablephonehome", "--rootdir", dir.resolve("runtime").toString(), "--port", String.valueOf(port),
                "--contextroot", "/", "--deploy", "target/agnes.war");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("server.log").toFile());
        // nothing of the caller's Agnes/PostHog/LLM configuration leaks into a measured server
        builder.environment().keySet().removeIf(k -> k.startsWith("AGNES_") || k.startsWith("POSTHOG_")
                || k.startsWith("LLM_") || k.endsWith("_API_KEY") || k.equals("DEBUG") || k.equals("LOCAL_DEV_MODE"));
        builder.environment().put("AGNES_DATA_DIR", dir.resolve("data").toString());
        builder.environment().putAll(env);
        return new AgnesProcess(name, port, dir, builder.start());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    long pid() {
        return process.pid();
    }

    /** CPU time the server's JVM has used so far (all its threads, user and system; Linux: 10 ms ticks). */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration()
                .orElseThrow(() -> new IllegalStateException("this OS does not report a process's CPU time"));
    }

    /**
     * The thread groups {@link #threadCpu} sums, in report order: Payara's request threads, Grizzly's network
     * threads, the collector, the JIT compilers, PostHog's own threads, and everything else.
     */
    static final List<String> THREAD_GROUPS = List.of("requests", "network", "collector", "compiler", "PostHog", "other");

    /**
     * CPU nanoseconds each live thread of the server has used so far, with its group ({@link #THREAD_GROUPS}), from
     * {@code /proc/<pid>/task/<tid>/schedstat}: nanoseconds, where the process total has 10 ms ticks; empty where
     * there is no {@code /proc} (the report then leaves the breakdown out).
     */
    ThreadCpu threadCpu() {
        Map<Long, Long> nanos = new LinkedHashMap<>();
        Map<Long, String> groups = new LinkedHashMap<>();
        Path tasks = Path.of("/proc", String.valueOf(process.pid()), "task");
        try (var stream = Files.list(tasks)) {
            for (Path task : stream.toList()) {
                try {
                    long tid = Long.parseLong(task.getFileName().toString());
                    String schedstat = Files.readString(task.resolve("schedstat")).trim();
                    nanos.put(tid, Long.parseLong(schedstat.substring(0, schedstat.indexOf(' '))));
                    groups.put(tid, threadGroup(Files.readString(task.resolve("comm")).trim()));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended between the listing and the read: its time is in neither reading
                }
            }
        } catch (IOException noProc) {
            return new ThreadCpu(Map.of(), Map.of());
        }
        return new ThreadCpu(nanos, groups);
    }

    /** The group of a thread by its native name (Linux keeps the first 15 characters of the Java name). */
    static String threadGroup(String comm) {
        if (comm.startsWith("http-thread-poo")) {
            return "requests"; // http-thread-pool::http-listener(N): Payara's request threads
        } else if (comm.startsWith("http-listener")) {
            return "network"; // Grizzly's selector and kernel threads: accepting, reading, writing sockets
        } else if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
            return "collector"; // G1's parallel workers, its concurrent marking and refinement, and the safepoint thread
        } else if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "compiler";
        } else if (comm.startsWith("agnes-posthog")) {
            return "PostHog";
        }
        return "other";
    }

    /** Per-thread CPU at one moment; {@link #since} gives what each group used after an earlier reading. */
    record ThreadCpu(Map<Long, Long> nanos, Map<Long, String> groups) {

        /** Nanoseconds per group between {@code earlier} and this reading; a thread started in between counts from zero. */
        Map<String, Long> since(ThreadCpu earlier) {
            Map<String, Long> used = new LinkedHashMap<>();
            THREAD_GROUPS.forEach(group -> used.put(group, 0L));
            nanos.forEach((tid, now) -> used.merge(groups.get(tid), now - earlier.nanos.getOrDefault(tid, 0L), Long::sum));
            return used;
        }

        boolean isEmpty() {
            return nanos.isEmpty();
        }
    }

    void awaitReady(Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before it was ready; see " + dir.resolve("server.log"));
            }
            try {
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/api/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (health.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500); // polling a process we do not control; no event to wait on
        }
        throw new IllegalStateException(name + " not ready within " + limit + "; see " + dir.resolve("server.log"));
    }

    /** Signs in through the login form like a browser; keeps the session cookie for {@link #cookieHeader()}. */
    void login(String email, String password) throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(uri("/login")).build(), HttpResponse.BodyHandlers.ofString());
        Element form = Jsoup.parse(page.body()).selectFirst("#login-form");
        if (form == null) {
            throw new IllegalStateException(name + ": no login form (status " + page.statusCode() + ")");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        form.select("input[type=hidden]").forEach(input -> fields.put(input.attr("name"), input.attr("value")));
        fields.put("email", email);
        fields.put("password", password);
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String action = form.attr("action").isEmpty() ? "/login" : form.attr("action");
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(uri(action)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> me = http.send(HttpRequest.newBuilder(uri("/api/me")).build(), HttpResponse.BodyHandlers.ofString());
        if (me.statusCode() != 200) {
            throw new IllegalStateException(name + ": sign-in failed (login answered " + posted.statusCode() + ", /api/me " + me.statusCode() + ")");
        }
        CookieManager jar = (CookieManager) http.cookieHandler().orElseThrow();
        sessionCookie = jar.getCookieStore().getCookies().stream().map(HttpCookie::toString).collect(Collectors.joining("; "));
    }

    /** {@code JSESSIONID=...}: the signed-in admin's cookies, for load generators. */
    String cookieHeader() {
        return sessionCookie;
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET /api/admin/observability/stats. */
    JsonObject stats() throws Exception {
        HttpResponse<String> response = get("/api/admin/observability/stats");
        if (response.statusCode() != 200) {
            throw new IllegalStateException(name + ": stats answered " + response.statusCode() + ": " + response.body());
        }
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    /**
     * Waits until the server has stopped working: less than {@code 5 %} of one core over half a second. Stalled
     * readers' pages are written into the container's buffers as fast as the cores allow, which takes seconds for
     * many 10 MB pages; measuring before that has finished measures how far it got. After a load cell, it is the
     * work the cell left behind (PostHog's sender delivering a backlog, a collection) finishing before the next
     * cell, which would otherwise be charged to whichever cell comes next.
     *
     * @return how long it took (in steps of half a second), or empty if it was still busy at {@code limit}
     */
    Optional<Duration> awaitIdle(Duration limit) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        Duration before = cpuTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            Duration now = cpuTime();
            if (now.minus(before).toMillis() < 25) {
                return Optional.of(Duration.ofNanos(System.nanoTime() - start));
            }
            before = now;
        }
        return Optional.empty();
    }

    /** Heap in use after a full GC (System.gc through jcmd), in bytes: the live set. */
    long heapAfterGc() throws Exception {
        jcmd("GC.run");
        return heapUsed();
    }

    /** Heap in use right now (live and not yet collected), in bytes. */
    long heapUsed() throws Exception {
        String info = jcmd("GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("unexpected GC.heap_info output: " + info);
        }
        return Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2)) * 1024;
    }

    /** Starts a JFR recording (default settings) that {@link #stopRecording} writes to {@code <dir>/<name>.jfr}. */
    void startRecording() throws Exception {
        jcmd("JFR.start", "name=load", "settings=default"); // default: ~1 % overhead, method samples every 20 ms
    }

    Path stopRecording() throws Exception {
        Path file = dir.resolve(name + ".jfr").toAbsolutePath();
        jcmd("JFR.stop", "name=load", "filename=" + file);
        return file;
    }

    /** Starts async-profiler (CPU samples every 1 ms of CPU, all threads) through the attach API. */
    void startProfiler(Path library) throws Exception {
        // the inner quotes keep the agent's options one argument: jcmd would read "event=cpu" as an option of its own
        jcmd("JVMTI.agent_load", library.toString(), "\"start,event=cpu,interval=1ms\"");
    }

    /** Stops it and writes the samples since {@link #startProfiler} to {@code <dir>/<cell>.collapsed}, one stack a line. */
    Path stopProfiler(Path library, String cell) throws Exception {
        Path file = dir.resolve(cell + ".collapsed").toAbsolutePath();
        jcmd("JVMTI.agent_load", library.toString(), "\"stop,file=" + file + ",collapsed\"");
        return file;
    }

    private String jcmd(String... command) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        List<String> line = new ArrayList<>(List.of(jcmd, String.valueOf(process.pid())));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** What the collector did so far, from the server's GC log; subtract two to see what happened in between. */
    record GcTotals(int pauses, double pauseMillis, int fullGcs, int markCycles, double markMillis) {
        static final GcTotals NONE = new GcTotals(0, 0, 0, 0, 0);

        GcTotals plus(GcTotals more) {
            return new GcTotals(pauses + more.pauses, pauseMillis + more.pauseMillis, fullGcs + more.fullGcs,
                    markCycles + more.markCycles, markMillis + more.markMillis);
        }

        GcTotals minus(GcTotals earlier) {
            return new GcTotals(pauses - earlier.pauses, pauseMillis - earlier.pauseMillis, fullGcs - earlier.fullGcs,
                    markCycles - earlier.markCycles, markMillis - earlier.markMillis);
        }
    }

    GcTotals gcTotals() throws IOException {
        int pauses = 0;
        int fulls = 0;
        int cycles = 0;
        double pauseMillis = 0;
        double markMillis = 0;
        for (String line : Files.readAllLines(dir.resolve("gc.log"))) {
            Matcher m = GC_EVENT.matcher(line);
            if (!m.find()) {
                continue;
            }
            double millis = Double.parseDouble(m.group(2));
            switch (m.group(1)) {
                case "Concurrent Mark Cycle" -> {
                    cycles++;
                    markMillis += millis;
                }
                case "Pause Full" -> fulls++; // our own jcmd GC.run, for the heap measurements
                default -> {
                    pauses++;
                    pauseMillis += millis;
                }
            }
        }
        return new GcTotals(pauses, pauseMillis, fulls, cycles, markMillis);
    }


    /**
     * SIGTERM (Payara's shutdown hook undeploys Agnes, which flushes PostHog), then a kill after 60 s. Then Payara's
     * unpacked runtime (~500 MB a start) goes: a full run starts 20-30 servers, and keeping them filled the disk.
     * The logs and profiles next to it stay.
     */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (!process.isAlive()) {
            deleteTree(dir.resolve("runtime"));
            deleteTree(dir.resolve("tmp"));
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            System.err.println("Could not delete " + root + ": " + e.getMessage()); // disk space only; the run goes on
        }
    }

    static List<String> tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return new ArrayList<>(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
