package io.agnes.load;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The end-to-end load and fault benchmark of issue 6 ({@code ./agnes load [--quick] [--jfr] [all|throughput|pages|faults]},
 * docs/performance.md): one build, Agnes on Payara Micro as (a) PostHog off, (b) on with a fast fake PostHog,
 * (c) on with a black-holed PostHog, all three running at once on loopback and loaded one at a time, in rounds
 * that rotate the order, so every ratio compares measurements taken seconds apart. The three are started afresh
 * several times (server starts), a block of rounds each: a JVM keeps for its whole life how it compiled the request
 * path, which moved a configuration's CPU per 30 KB page by ~7 % from one start to the next; rounds of one start
 * sample that state once. Each start also runs (a′), a second server with PostHog off, measured like the others: its
 * ratio to (a) is what two identical servers differ by in the same run, the error bar of every other ratio. Then the
 * faults on (b).
 * {@code pages} measures only the HTML page rows, on twice as many starts in about the same time: what a JVM start
 * decides is the widest error of a page's ratio (two identical servers differed by 3–8 % over a whole start), and
 * only more starts narrow it.
 * Writes the report (Markdown) to stdout and to {@code target/load/<run>/report.md}. {@code --jfr} records the
 * measured rounds of each server with JFR (default settings), to find where a ratio's time goes. {@code --profile=<path
 * of libasyncProfiler.so>} profiles every measured cell of every server with async-profiler (CPU, 1 ms: also zlib, the
 * collector, the JIT and the kernel, which JFR does not see), one collapsed-stack file per cell next to the server's
 * log, and {@code cells.tsv} with the requests of each: all four servers bear the same perturbation, and a stack's
 * samples ÷ requests compare configurations frame by frame within the run.
 */
public final class LoadRun {

    /**
     * @param leavesWork whether its requests leave work behind (captured errors for PostHog's sender, garbage that
     *                   lives until the next collection): measured after all the others, in rounds of its own
     */
    record Target(String name, String path, boolean gzip, int connections, boolean leavesWork) {
        String label() {
            return name + (gzip ? ", gzip" : "");
        }
    }

    private static final List<Target> ALL_TARGETS = List.of(
            new Target("30 KB page", "/debug/page?kb=30", false, 8, false),
            // the same page with an "already injected" marker: no snippet, so in (b) the same JVM without injecting
            new Target("30 KB page, snippet declined (not a target)", "/debug/page?kb=30&marker=1", false, 8, false),
            new Target("30 KB page", "/debug/page?kb=30", true, 8, false),
            new Target("2 MB page", "/debug/page?kb=2048", false, 4, false),
            new Target("2 MB page", "/debug/page?kb=2048", true, 4, false),
            new Target("JSON API /api/catalog", "/api/catalog", false, 8, false),
            new Target("JSON API /api/catalog", "/api/catalog", true, 8, false),
            new Target("500 error, captured", "/api/debug/throw?kind=ValueError&msg=load", false, 8, true));

    /** The rows of mode {@code pages}: the HTML pages without gzip, and the 30 KB page with. */
    private static final List<Target> PAGE_TARGETS = ALL_TARGETS.subList(0, 4);

    /** Index of the 30 KB page and of the same page that the injector declines, in both lists. */
    private static final int PAGE_30_KB = 0;
    private static final int PAGE_30_KB_DECLINED = 1;

    /** Longest wait for a server to finish what a cell left running, before the next cell starts anyway. */
    private static final Duration SETTLE_LIMIT = Duration.ofSeconds(20);

    private static final String BIG_PAGE = "/debug/page?kb=10240&chunk=16384&flush=1";

    /** The configurations of the throughput rounds: (a), (b), (c) and the control (a′), by index. */
    private static final int CONFIGS = 4;
    private static final int CONTROL = 3;

    private final boolean quick;
    /** What the throughput rounds load: {@link #ALL_TARGETS}, or {@link #PAGE_TARGETS} in mode {@code pages}. */
    private final List<Target> targets;
    private final int cellSeconds;
    private final int warmSeconds;
    /** Each configuration is started this many times, one after the other; the measured rounds are split between them. */
    private final int starts;
    private final int roundsPerStart;
    private final int faultSeconds;
    private final int recoverySeconds;
    private final int outageSeconds;
    private final int sampleSeconds;
    private final int ttfbSamples;
    private final int stalledReaders;
    private final Path work;
    private final StringBuilder report = new StringBuilder();
    private final String email = System.getenv().getOrDefault("LOAD_ADMIN_EMAIL", "load-admin@example.test");
    private final String password = System.getenv().getOrDefault("LOAD_ADMIN_PASSWORD", "load-" + UUID.randomUUID());

    private final boolean jfr;
    /** async-profiler's agent library ({@code --profile=}), or null. */
    private final Path profiler;

    private LoadRun(boolean quick, boolean jfr, Path profiler, boolean pagesOnly) throws IOException {
        this.quick = quick;
        this.jfr = jfr;
        this.profiler = profiler;
        this.targets = pagesOnly ? PAGE_TARGETS : ALL_TARGETS;
        // many short cells rather than a few long ones: on a 2-core machine a single cell of one configuration moves
        // by ±10 % (GC, JIT, scheduling), and the median of many interleaved per-round ratios is what resolves 3 %
        cellSeconds = 3;
        warmSeconds = quick ? 2 : 15;
        // a start of the page rows alone takes ~8 min (4 warm-up, 3 rounds), one of all rows ~17 (8 warm-up, 4 rounds)
        starts = quick ? 2 : pagesOnly ? 6 : 3;
        roundsPerStart = quick ? 1 : pagesOnly ? 3 : 4;
        faultSeconds = quick ? 10 : 30;
        recoverySeconds = quick ? 5 : 15;
        outageSeconds = quick ? 40 : 600;
        sampleSeconds = quick ? 10 : 30;
        ttfbSamples = quick ? 3 : 30; // TTFB is 3-5 ms: 10 samples did not resolve 10 % on this machine
        stalledReaders = quick ? 16 : 32;
        work = Files.createDirectories(Path.of("target", "load",
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())));
    }

    public static void main(String[] args) throws Exception {
        List<String> list = List.of(args);
        boolean quick = list.contains("--quick");
        String mode = list.stream().filter(a -> !a.startsWith("--")).findFirst().orElse("all");
        if (!List.of("all", "throughput", "pages", "faults").contains(mode)) {
            System.err.println("Usage: ./agnes load [--quick] [--jfr] [--profile=<libasyncProfiler.so>] [all|throughput|pages|faults]   (got '" + mode + "')");
            System.exit(2);
        }
        Path profiler = list.stream().filter(a -> a.startsWith("--profile=")).findFirst()
                .map(a -> Path.of(a.substring("--profile=".length())).toAbsolutePath()).orElse(null);
        if (profiler != null && !Files.isRegularFile(profiler)) {
            System.err.println("--profile: no async-profiler library at " + profiler + " (docs/performance.md, \"How to profile a server\")");
            System.exit(2);
        }
        new LoadRun(quick, list.contains("--jfr"), profiler, mode.equals("pages")).run(mode);
    }

    private void run(String mode) throws Exception {
        line("# Agnes end-to-end load" + (quick ? " (--quick: shortened, for development only)" : ""));
        line("");
        line("Run " + work.getFileName() + ", mode " + mode + ". Machine: " + Runtime.getRuntime().availableProcessors()
                + " CPUs, load average at start " + loadAverage() + ", Java " + System.getProperty("java.version") + ".");
        int ingestPort = AgnesProcess.freePort();
        FastIngest fast = new FastIngest(ingestPort);
        BlackHole blackHole = new BlackHole();
        Map<String, String> common = new LinkedHashMap<>();
        common.put("AGNES_ADMIN_EMAIL", email);
        common.put("AGNES_ADMIN_PASSWORD", password);
        common.put("DEBUG", "1");
        common.put("LLM_PROVIDER", "none");
        // no scheduled job may fire in the middle of a measurement
        common.put("AGNES_JOB_DATA_REFRESH_INTERVAL", "off");
        common.put("AGNES_JOB_HEALTH_CHECK_INTERVAL", "off");
        common.put("AGNES_JOB_CATALOG_ENRICHMENT_INTERVAL", "off");
        Map<String, String> on = new LinkedHashMap<>(common);
        on.put("POSTHOG_API_KEY", "phc_load_benchmark_key");
        Map<String, String> onFast = new LinkedHashMap<>(on);
        onFast.put("POSTHOG_HOST", "http://127.0.0.1:" + ingestPort);
        Map<String, String> onBlackHole = new LinkedHashMap<>(on);
        onBlackHole.put("POSTHOG_HOST", blackHole.url());

        List<AgnesProcess> servers = new ArrayList<>();
        try {
            AgnesProcess b = null;
            if (!mode.equals("faults")) {
                Measured measured = new Measured(targets.size());
                for (int start = 1; start <= starts; start++) {
                    String suffix = "-" + start;
                    log("Server start " + start + " of " + starts);
                    List<AgnesProcess> configs = startReady(servers, List.of(
                            new Launch("a-posthog-off" + suffix, common),
                            new Launch("b-posthog-fast" + suffix, onFast),
                            new Launch("c-posthog-black-holed" + suffix, onBlackHole),
                            new Launch("a2-posthog-off-control" + suffix, common)));
                    measure(configs, measured, start - 1);
                    if (start == starts) {
                        throughputReport(measured);
                        if (mode.equals("pages")) {
                            pooledTable(measured, blackHole.connectionsAccepted());
                        }
                        configs.get(CONTROL).close(); // the 10 MB page and the heap compare (a), (b) and (c) only
                        if (!mode.equals("pages")) {
                            streaming(configs.subList(0, 3));
                        }
                        log("PostHog black hole accepted " + blackHole.connectionsAccepted() + " connections");
                    }
                    for (AgnesProcess server : configs) {
                        if (start == starts && server == configs.get(1) && mode.equals("all")) {
                            b = server; // the faults go on with the last (b), already warm
                        } else {
                            server.close();
                            servers.remove(server);
                        }
                    }
                }
            }
            if (mode.equals("all") || mode.equals("faults")) {
                if (b == null) {
                    b = startReady(servers, List.of(new Launch("b-posthog-fast", onFast))).get(0);
                }
                fast.close();
                faults(b, ingestPort);
            }
        } finally {
            for (AgnesProcess server : servers) {
                server.close();
            }
            fast.close();
            blackHole.close();
            Files.writeString(work.resolve("report.md"), report);
            log("Report written to " + work.resolve("report.md") + "; server logs in " + work);
        }
    }

    /** A server to start: its name (its directory under the run's) and its environment. */
    private record Launch(String name, Map<String, String> env) {
    }

    /** Starts the servers side by side, then waits until each is ready and logged in. */
    private List<AgnesProcess> startReady(List<AgnesProcess> servers, List<Launch> launches) throws Exception {
        List<AgnesProcess> started = new ArrayList<>();
        for (Launch launch : launches) {
            AgnesProcess server = AgnesProcess.start(launch.name(), work, launch.env(), "1g");
            servers.add(server); // closed by run() whatever happens next
            started.add(server);
        }
        for (AgnesProcess server : started) {
            server.awaitReady(Duration.ofMinutes(4));
            server.login(email, password);
            log(server.name + " ready on port " + server.port + " (pid " + server.pid() + ")");
        }
        return started;
    }

    // ---------------------------------------------------------------------------------------------- throughput

    /**
     * What the measured rounds of all server starts gave, indexed [target][config] with one entry per round, the
     * rounds of start 1 first. Round i belongs to start i / roundsPerStart.
     */
    private static final class Measured {
        final List<List<List<Wrk.Result>>> results;
        /** The server's CPU milliseconds per request. */
        final List<List<List<Double>>> cpu;
        /** Microseconds per request by thread group (AgnesProcess.THREAD_GROUPS); empty without /proc. */
        final List<List<List<Map<String, Double>>>> threads;
        /** Seconds the server stayed busy after its cell. */
        final List<List<List<Double>>> settle;
        /** The collector during the measured rounds, per config, summed over the starts. */
        final List<AgnesProcess.GcTotals> gc = new ArrayList<>(Collections.nCopies(CONFIGS, AgnesProcess.GcTotals.NONE));

        Measured(int targets) {
            results = perTargetAndConfig(targets);
            cpu = perTargetAndConfig(targets);
            threads = perTargetAndConfig(targets);
            settle = perTargetAndConfig(targets);
        }

        private static <T> List<List<List<T>>> perTargetAndConfig(int targets) {
            List<List<List<T>>> lists = new ArrayList<>();
            for (int t = 0; t < targets; t++) {
                lists.add(IntStream.range(0, CONFIGS).<List<T>>mapToObj(config -> new ArrayList<>()).toList());
            }
            return lists;
        }
    }

    /** Warms one start's servers up, then runs its block of measured rounds into {@code measured}. */
    private void measure(List<AgnesProcess> abc, Measured measured, int start) throws Exception {
        log("Warm-up: " + warmSeconds + " s per target and configuration");
        // the targets that leave work behind first, so that work is done before the first measured cell
        for (Target target : targets.stream().sorted(Comparator.comparing(target -> !target.leavesWork())).toList()) {
            for (AgnesProcess server : abc) {
                wrk(server, target, warmSeconds);
            }
        }
        for (AgnesProcess server : abc) {
            server.awaitIdle(SETTLE_LIMIT);
        }
        if (jfr) {
            for (AgnesProcess server : abc) {
                server.startRecording();
            }
        }
        if (profiler != null) { // the agent's first load (library, symbols) before the first measured cell
            for (AgnesProcess server : abc) {
                server.startProfiler(profiler);
                server.stopProfiler(profiler, "warm-up");
            }
        }
        List<AgnesProcess.GcTotals> gcBefore = new ArrayList<>();
        for (AgnesProcess server : abc) {
            gcBefore.add(server.gcTotals());
        }
        // The captured 500s are measured after every other target, in rounds of their own: the work a burst of errors
        // leaves behind (the sender delivering it, the collector reclaiming it) would otherwise weigh on the next
        // round's first page cells of (b) and (c) only: +3-4 % CPU per request in a side-by-side check.
        List<List<Integer>> phases = List.of(
                IntStream.range(0, targets.size()).filter(t -> !targets.get(t).leavesWork()).boxed().toList(),
                IntStream.range(0, targets.size()).filter(t -> targets.get(t).leavesWork()).boxed().toList());
        for (List<Integer> phase : phases.stream().filter(phase -> !phase.isEmpty()).toList()) { // mode pages: no 500s
            for (int round = start * roundsPerStart; round < (start + 1) * roundsPerStart; round++) {
                log("Round " + (round + 1) + " of " + starts * roundsPerStart + " of " + targets.get(phase.get(0)).label()
                        + (phase.size() > 1 ? " and " + (phase.size() - 1) + " more" : "") + " (load average " + loadAverage() + ")");
                for (int t : phase) {
                    for (int k = 0; k < CONFIGS; k++) {
                        int config = (k + round) % CONFIGS; // rotate who goes first, so no configuration always follows another
                        AgnesProcess server = abc.get(config);
                        if (profiler != null) {
                            server.startProfiler(profiler);
                        }
                        Duration before = server.cpuTime();
                        AgnesProcess.ThreadCpu threadsBefore = server.threadCpu();
                        Wrk.Result result = wrk(server, targets.get(t), cellSeconds);
                        Duration used = server.cpuTime().minus(before);
                        Map<String, Long> usedByGroup = server.threadCpu().since(threadsBefore);
                        if (profiler != null) {
                            String cell = "t" + t + "-r" + (round + 1);
                            server.stopProfiler(profiler, cell);
                            Files.writeString(work.resolve("cells.tsv"), server.name + "\t" + cell + "\t" + targets.get(t).label()
                                    + "\t" + result.requests() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        }
                        measured.results.get(t).get(config).add(result);
                        long requests = Math.max(1, result.requests());
                        measured.cpu.get(t).get(config).add(used.toNanos() / 1e6 / requests);
                        if (!threadsBefore.isEmpty()) {
                            Map<String, Double> perRequest = new LinkedHashMap<>();
                            usedByGroup.forEach((group, nanos) -> perRequest.put(group, nanos / 1e3 / requests));
                            measured.threads.get(t).get(config).add(perRequest);
                        }
                        // what the cell left running finishes before the next cell, which it would otherwise slow down
                        measured.settle.get(t).get(config).add(server.awaitIdle(SETTLE_LIMIT).orElse(SETTLE_LIMIT).toMillis() / 1000.0);
                    }
                }
            }
        }
        if (jfr) {
            for (AgnesProcess server : abc) {
                log("JFR recording of the measured rounds: " + server.stopRecording());
            }
        }
        for (int config = 0; config < CONFIGS; config++) {
            measured.gc.set(config, measured.gc.get(config).plus(abc.get(config).gcTotals().minus(gcBefore.get(config))));
        }
    }

    private void throughputReport(Measured measured) {
        List<List<List<Wrk.Result>>> results = measured.results;
        List<List<List<Double>>> cpu = measured.cpu;
        List<List<List<Double>>> settle = measured.settle;
        line("");
        line("## Throughput and latency, (b) and (c) against (a)");
        line("");
        line("wrk, 1 thread, " + cellSeconds + " s per cell, " + starts * roundsPerStart + " round(s) rotating the order a/b/c/a′, "
                + roundsPerStart + " on each of " + starts + " server starts (fresh JVMs, each warmed up " + warmSeconds
                + " s per target); ratio = median over all rounds of the per-round ratio. Targets: (b)/(a) throughput ≥ 0.97 and p99 ≤ 1.05; (c)/(a) throughput ≥ 0.97. "
                + "(a′) is a second server with PostHog off, the control: (a′)/(a) is what two identical servers differ by in this run.");
        line("");
        line("| target | conn | (a) req/s | (a) p50 ms | (a) p99 ms | (b)/(a) req/s | (b)/(a) p99 | (c)/(a) req/s | (c)/(a) p99 | (a′)/(a) req/s, p99 | per-round (b)/(a) req/s | per-round (c)/(a) req/s | per-round (a′)/(a) req/s | met |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|");
        for (int t = 0; t < targets.size(); t++) {
            List<List<Wrk.Result>> r = results.get(t);
            List<Double> brps = ratios(r.get(1), r.get(0), Wrk.Result::requestsPerSecond);
            List<Double> bp99 = ratios(r.get(1), r.get(0), Wrk.Result::p99Millis);
            List<Double> crps = ratios(r.get(2), r.get(0), Wrk.Result::requestsPerSecond);
            List<Double> cp99 = ratios(r.get(2), r.get(0), Wrk.Result::p99Millis);
            List<Double> controlRps = ratios(r.get(CONTROL), r.get(0), Wrk.Result::requestsPerSecond);
            List<Double> controlP99 = ratios(r.get(CONTROL), r.get(0), Wrk.Result::p99Millis);
            boolean met = median(brps) >= 0.97 && median(bp99) <= 1.05 && median(crps) >= 0.97;
            line(String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %.3f | %.3f | %.3f | %.3f | %.3f, %.3f | %s | %s | %s | %s |",
                    targets.get(t).label(), targets.get(t).connections(),
                    median(values(r.get(0), Wrk.Result::requestsPerSecond)), median(values(r.get(0), Wrk.Result::p50Millis)),
                    median(values(r.get(0), Wrk.Result::p99Millis)), median(brps), median(bp99), median(crps), median(cp99),
                    median(controlRps), median(controlP99), fmt(brps), fmt(crps), fmt(controlRps), met ? "yes" : "**no**"));
        }
        line("");
        sameServerTable(results, cpu);
        line("Server CPU per request: the server JVM's CPU time (all threads: requests, GC, JIT, PostHog's sender) over "
                + "a cell ÷ the requests it served. It does not depend on how the 2 cores were shared between the servers "
                + "and wrk, so it moves far less than throughput between cells; it is not one of the issue's targets.");
        line("");
        line("| target | (a) CPU ms / req | (b)/(a) CPU per req | (c)/(a) CPU per req | (a′)/(a) CPU per req | per-round (b)/(a) | per-round (c)/(a) | per-round (a′)/(a) | busy after the cell, s: (a) / (b) / (c) / (a′), median (max) |");
        line("|---|---:|---:|---:|---:|---|---|---|---|");
        for (int t = 0; t < targets.size(); t++) {
            List<List<Double>> c = cpu.get(t);
            List<Double> b = ratios(c.get(1), c.get(0), Double::doubleValue);
            List<Double> cc = ratios(c.get(2), c.get(0), Double::doubleValue);
            List<Double> control = ratios(c.get(CONTROL), c.get(0), Double::doubleValue);
            List<List<Double>> busy = settle.get(t);
            line(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %.3f | %s | %s | %s | %s |", targets.get(t).label(),
                    median(c.get(0)), median(b), median(cc), median(control), fmt(b), fmt(cc), fmt(control),
                    busy.stream().map(s -> String.format(Locale.ROOT, "%.1f (%.1f)", median(s), Collections.max(s)))
                            .collect(Collectors.joining(" / "))));
        }
        line("");
        line("Busy after the cell: how long the server went on working once wrk had stopped (until under 5 % of a core "
                + "over 0.5 s; 0.5 s = idle at the first look, " + SETTLE_LIMIT.toSeconds() + " s = still busy, the next cell "
                + "started anyway). The next cell waits for it, so no cell is charged with the one before.");
        line("");
        if (!measured.threads.get(0).get(0).isEmpty()) {
            threadGroupTable(measured.threads);
        }
        startsTable(measured);
        line("Absolute medians per configuration (req/s, p50 ms, p99 ms; non-2xx / socket errors over all rounds):");
        line("");
        line("| target | (a) off | (b) fast PostHog | (c) black hole | (a′) off, the control |");
        line("|---|---|---|---|---|");
        for (int t = 0; t < targets.size(); t++) {
            StringBuilder row = new StringBuilder("| " + targets.get(t).label() + " |");
            for (int config = 0; config < CONFIGS; config++) {
                List<Wrk.Result> rs = results.get(t).get(config);
                row.append(String.format(Locale.ROOT, " %.0f, %.2f, %.2f; %d / %d |", median(values(rs, Wrk.Result::requestsPerSecond)),
                        median(values(rs, Wrk.Result::p50Millis)), median(values(rs, Wrk.Result::p99Millis)),
                        rs.stream().mapToLong(Wrk.Result::non2xx).sum(), rs.stream().mapToLong(Wrk.Result::socketErrors).sum()));
            }
            line(row.toString());
        }
        line("");
        line("The collector during the measured rounds (each server's `-Xlog:gc`, `gc.log` next to its `server.log`): pauses "
                + "(young, mixed, remark, cleanup) and G1's concurrent mark cycles, which run beside the request threads on the same cores.");
        line("");
        line("| | (a) off | (b) fast PostHog | (c) black hole | (a′) off, the control |");
        line("|---|---:|---:|---:|---:|");
        line("| pauses (count, total ms) |" + measured.gc.stream()
                .map(gc -> String.format(Locale.ROOT, " %d, %.0f |", gc.pauses(), gc.pauseMillis())).collect(Collectors.joining()));
        line("| concurrent mark cycles (count, total s) |" + measured.gc.stream()
                .map(gc -> String.format(Locale.ROOT, " %d, %.1f |", gc.markCycles(), gc.markMillis() / 1000)).collect(Collectors.joining()));
    }

    /**
     * Where each configuration's CPU per request goes, by thread group: which threads a difference between (a) and
     * (b) or (c) is in (the request threads running PostHog's per-page code, the collector reclaiming what it
     * allocates, PostHog's sender, ...). Per round the difference against (a) in the same round; the median over rounds.
     */
    private void threadGroupTable(List<List<List<Map<String, Double>>>> threads) {
        line("Server CPU per request by thread group, µs (`/proc/<pid>/task/*/schedstat`, ns resolution, the threads alive at "
                + "the end of the cell): (a)'s median over rounds, and the median of the per-round differences (b) − (a), "
                + "(c) − (a) and (a′) − (a). Groups: requests = Payara's request threads (the filters, the page, PostHog's injector); "
                + "network = Grizzly's selector threads; collector = G1's threads and the VM thread; compiler = the JIT; "
                + "PostHog = its sender threads; other = everything else (Hazelcast, timers, ...).");
        line("");
        StringBuilder header = new StringBuilder("| target |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String group : AgnesProcess.THREAD_GROUPS) {
            header.append(' ').append(group).append(": (a); (b) − (a); (c) − (a); (a′) − (a) |");
            rule.append("---|");
        }
        line(header.toString());
        line(rule.toString());
        for (int t = 0; t < targets.size(); t++) {
            List<List<Map<String, Double>>> byConfig = threads.get(t);
            StringBuilder row = new StringBuilder("| " + targets.get(t).label() + " |");
            for (String group : AgnesProcess.THREAD_GROUPS) {
                List<Double> a = byConfig.get(0).stream().map(m -> m.get(group)).toList();
                row.append(String.format(Locale.ROOT, " %.1f; %+.1f; %+.1f; %+.1f |", median(a),
                        median(differences(byConfig.get(1), byConfig.get(0), group)),
                        median(differences(byConfig.get(2), byConfig.get(0), group)),
                        median(differences(byConfig.get(CONTROL), byConfig.get(0), group))));
            }
            line(row.toString());
        }
        line("");
    }

    /**
     * The 30 KB page against the same page declined by the injector, on the same server and in the same round: in (b)
     * what injecting the snippet costs, without the difference between two JVMs that (a′)/(a) shows; in (a) and (a′),
     * where nothing is injected either way, what the two rows differ by on their own.
     */
    private void sameServerTable(List<List<List<Wrk.Result>>> results, List<List<List<Double>>> cpu) {
        line("The 30 KB page with the snippet against the same page without it (an \"already injected\" marker makes the "
                + "injector decline it), on the same server in the same round: median of the per-round ratios. In (b) this is "
                + "the snippet's cost within one JVM; in (a) and (a′) nothing is injected either way.");
        line("");
        line("| server | req/s, page ÷ declined | CPU per request, page ÷ declined | per-round req/s |");
        line("|---|---:|---:|---|");
        String[] names = {"(a) off", "(b) fast PostHog", "(c) black hole", "(a′) off, the control"};
        for (int config = 0; config < CONFIGS; config++) {
            List<Double> rps = ratios(results.get(PAGE_30_KB).get(config), results.get(PAGE_30_KB_DECLINED).get(config),
                    Wrk.Result::requestsPerSecond);
            List<Double> perRequest = ratios(cpu.get(PAGE_30_KB).get(config), cpu.get(PAGE_30_KB_DECLINED).get(config),
                    Double::doubleValue);
            line(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %s |", names[config], median(rps), median(perRequest), fmt(rps)));
        }
        line("");
    }

    /**
     * Mode {@code pages} only: no row captures an event, so (c)'s sender has nothing to send to its black hole and
     * (b) and (c) run the same code on the same requests — two servers with PostHog on, as (a) and (a′) are two with
     * it off. Per round the mean of (b) and (c) over the mean of (a) and (a′): what "on" costs, with each side's
     * server-to-server difference halved instead of resting on one JVM of each.
     *
     * @param blackHoleConnections connections the black hole accepted: above 0, (c) did send something and the
     *                             table says so
     */
    private void pooledTable(Measured measured, long blackHoleConnections) {
        line("Pooled, on ÷ off: per round the mean of (b) and (c) over the mean of (a) and (a′), median over rounds. In this "
                + "mode no row captures an event, so (b) and (c) run the same code (the black hole accepted "
                + blackHoleConnections + " connections" + (blackHoleConnections > 0 ? " — so (c) did send: read this table with care" : "")
                + "), and each side is two servers instead of one.");
        line("");
        line("| target | on ÷ off req/s | on ÷ off CPU per req | (c)/(b) req/s (two on servers) | per-round on ÷ off req/s |");
        line("|---|---:|---:|---:|---|");
        for (int t = 0; t < targets.size(); t++) {
            List<List<Double>> rps = new ArrayList<>();
            for (List<Wrk.Result> config : measured.results.get(t)) {
                rps.add(values(config, Wrk.Result::requestsPerSecond));
            }
            List<Double> pooled = pooled(rps);
            List<Double> pooledCpu = pooled(measured.cpu.get(t));
            line(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.3f | %s |", targets.get(t).label(), median(pooled),
                    median(pooledCpu), median(ratios(rps.get(2), rps.get(1), Double::doubleValue)), fmt(pooled)));
        }
        line("");
    }

    /** Per round: mean of (b) and (c) ÷ mean of (a) and (a′), from one value per round and configuration. */
    private static List<Double> pooled(List<List<Double>> byConfig) {
        List<Double> out = new ArrayList<>();
        int rounds = byConfig.stream().mapToInt(List::size).min().orElse(0);
        for (int i = 0; i < rounds; i++) {
            out.add((byConfig.get(1).get(i) + byConfig.get(2).get(i)) / (byConfig.get(0).get(i) + byConfig.get(CONTROL).get(i)));
        }
        return out;
    }

    /**
     * The ratios of each server start on its own: how far one start's verdict can be from another's on the same
     * build, i.e. how much a single start (one JVM's compilation of the request path) decides.
     */
    private void startsTable(Measured measured) {
        line("The same medians for each server start on its own (" + roundsPerStart + " round(s) each), starts in order, "
                + "separated by /. The spread between starts of one build is what a run on a single start would leave to chance.");
        line("");
        boolean withThreads = !measured.threads.get(0).get(0).isEmpty();
        line("| target | (b)/(a) req/s | (c)/(a) req/s | (a′)/(a) req/s | (b)/(a) CPU per req | (c)/(a) CPU per req | (a′)/(a) CPU per req |"
                + (withThreads ? " request threads (b) − (a) µs | request threads (c) − (a) µs | request threads (a′) − (a) µs |" : ""));
        line("|---|---|---|---|---|---|---|" + (withThreads ? "---|---|---|" : ""));
        for (int t = 0; t < targets.size(); t++) {
            List<List<Wrk.Result>> r = measured.results.get(t);
            List<List<Double>> c = measured.cpu.get(t);
            StringBuilder row = new StringBuilder("| " + targets.get(t).label() + " | ");
            for (int config : List.of(1, 2, CONTROL)) {
                row.append(perStart(ratios(r.get(config), r.get(0), Wrk.Result::requestsPerSecond), "%.3f")).append(" | ");
            }
            for (int config : List.of(1, 2, CONTROL)) {
                row.append(perStart(ratios(c.get(config), c.get(0), Double::doubleValue), "%.3f")).append(" | ");
            }
            if (withThreads) {
                List<List<Map<String, Double>>> byConfig = measured.threads.get(t);
                for (int config : List.of(1, 2, CONTROL)) {
                    row.append(perStart(differences(byConfig.get(config), byConfig.get(0), "requests"), "%+.1f")).append(" | ");
                }
            }
            line(row.toString().stripTrailing());
        }
        line("");
    }

    /** The median of each start's block of per-round values, formatted and joined with " / ". */
    private String perStart(List<Double> perRound, String format) {
        List<String> medians = new ArrayList<>();
        for (int from = 0; from < perRound.size(); from += roundsPerStart) {
            medians.add(String.format(Locale.ROOT, format,
                    median(perRound.subList(from, Math.min(perRound.size(), from + roundsPerStart)))));
        }
        return String.join(" / ", medians);
    }

    private static List<Double> differences(List<Map<String, Double>> of, List<Map<String, Double>> against, String group) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < Math.min(of.size(), against.size()); i++) {
            out.add(of.get(i).get(group) - against.get(i).get(group));
        }
        return out;
    }

    private Wrk.Result wrk(AgnesProcess server, Target target, int seconds) throws Exception {
        List<String> headers = new ArrayList<>(List.of("Cookie: " + server.cookieHeader()));
        if (target.gzip()) {
            headers.add("Accept-Encoding: gzip");
        }
        return Wrk.run(server.uri(target.path()), headers, target.connections(), seconds);
    }

    // ----------------------------------------------------------------------------------------------- streaming

    private void streaming(List<AgnesProcess> abc) throws Exception {
        log("10 MB page: time to first byte, " + ttfbSamples + " fetches per configuration and encoding, interleaved");
        // [config][gzip] -> samples
        List<List<List<Streaming.Fetch>>> fetches = List.of(
                List.of(new ArrayList<>(), new ArrayList<>()), List.of(new ArrayList<>(), new ArrayList<>()),
                List.of(new ArrayList<>(), new ArrayList<>()));
        for (int warm = 0; warm < (quick ? 1 : 5); warm++) {
            for (AgnesProcess server : abc) {
                Streaming.fetch(server, BIG_PAGE, false);
                Streaming.fetch(server, BIG_PAGE, true);
            }
        }
        for (int i = 0; i < ttfbSamples; i++) {
            for (int k = 0; k < 3; k++) {
                int config = (k + i) % 3;
                for (int g = 0; g < 2; g++) {
                    fetches.get(config).get(g).add(Streaming.fetch(abc.get(config), BIG_PAGE, g == 1));
                }
            }
        }
        line("");
        line("## 10 MB page streamed in 16 KB chunks (flushed each), one request at a time");
        line("");
        line("Median of " + ttfbSamples + " fetches each (interleaved a/b/c). Target: time to first byte (b)/(a) ≤ 1.1.");
        line("");
        line("| encoding | (a) TTFB ms | (b) TTFB ms | (c) TTFB ms | (b)/(a) TTFB | (c)/(a) TTFB | (a) total ms | (b)/(a) total | met |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (int g = 0; g < 2; g++) {
            double a = median(values(fetches.get(0).get(g), Streaming.Fetch::firstByteMillis));
            double b = median(values(fetches.get(1).get(g), Streaming.Fetch::firstByteMillis));
            double c = median(values(fetches.get(2).get(g), Streaming.Fetch::firstByteMillis));
            double at = median(values(fetches.get(0).get(g), Streaming.Fetch::totalMillis));
            double bt = median(values(fetches.get(1).get(g), Streaming.Fetch::totalMillis));
            line(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f | %.2f | %s |", g == 1 ? "gzip" : "identity",
                    a, b, c, b / a, c / a, at, bt / at, b / a <= 1.1 ? "yes" : "**no**"));
        }

        line("");
        line("## Heap per in-flight response (10 MB page)");
        line("");
        line("Live heap after a full GC (jcmd GC.run, then GC.heap_info) with N responses in flight, minus the same before they "
                + "started, ÷ N; median of " + (quick ? 1 : 3) + " round(s) rotating a/b/c. Target: (b) − (a) ≤ 64 KB. "
                + "Page being produced: 16 KB writes, flushed, 1 s apart (a page still being computed; measured 1 s after the first byte, "
                + "so what the container keeps of the bytes already written stays small next to the per-response state), the client reading everything. "
                + "Stalled readers: the page as fast as it goes, the client stops reading after 1 KB (its receive buffer 4 KB); "
                + "measured once the server is idle (under 5 % of a core over 0.5 s), i.e. has written all it will.");
        line("");
        line("| in flight | N | (a) KB / response | (b) KB / response | (c) KB / response | (b) − (a) KB | (c) − (a) KB | per round (a); (b); (c) | met |");
        line("|---|---:|---:|---:|---:|---:|---:|---|---|");
        heapPerResponse(abc, "page being produced", "/debug/page?kb=10240&chunk=16384&flush=1&pause=1000", false);
        heapPerResponse(abc, "stalled readers", BIG_PAGE, true);
    }

    private void heapPerResponse(List<AgnesProcess> abc, String label, String path, boolean stall) throws Exception {
        log("Heap per in-flight response, " + label + ": " + stalledReaders + " at a time");
        int heapRounds = quick ? 1 : 3;
        List<List<Double>> perResponse = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < heapRounds; round++) {
            for (int k = 0; k < 3; k++) {
                int config = (k + round) % 3;
                AgnesProcess server = abc.get(config);
                long before = server.heapAfterGc();
                List<Socket> readers = stall ? Streaming.stalledReaders(server, path, stalledReaders)
                        : Streaming.drainedReaders(server, path, stalledReaders);
                try {
                    if (stall) {
                        // every response has sent its first bytes; wait until the server has written all it will
                        // into whatever holds the pages (seconds for 32 x 10 MB on 2 busy cores)
                        if (server.awaitIdle(Duration.ofSeconds(60)).isEmpty()) {
                            log(server.name + " still busy 60 s after the stalled readers' first bytes; measured anyway");
                        }
                    } else {
                        Thread.sleep(1000); // the page writes a chunk a second: this case is defined as 1 s in
                    }
                    long during = server.heapAfterGc();
                    perResponse.get(config).add((during - before) / (double) stalledReaders);
                } finally {
                    Streaming.closeAll(readers);
                }
            }
        }
        double a = median(perResponse.get(0));
        double b = median(perResponse.get(1));
        double c = median(perResponse.get(2));
        line(String.format(Locale.ROOT, "| %s | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %s; %s; %s | %s |", label, stalledReaders,
                a / 1024, b / 1024, c / 1024, (b - a) / 1024, (c - a) / 1024, kb(perResponse.get(0)), kb(perResponse.get(1)),
                kb(perResponse.get(2)), b - a <= 64 * 1024 ? "yes" : "**no**"));
    }

    // -------------------------------------------------------------------------------------------------- faults

    private void faults(AgnesProcess b, int ingestPort) throws Exception {
        line("");
        line("## Faults (configuration (b), PostHog switched between failure modes under load)");
        line("");
        line("Load: 4 closed-loop workers (30 KB page, 30 KB page gzip, /api/catalog gzip) and 20 captured 500s per second. "
                + "Each fault lasts " + faultSeconds + " s, then PostHog answers again for " + recoverySeconds
                + " s under load; then the 500s stop until nothing is pending, and the counters are compared. "
                + "Failed = a page not 200 or a 500 route not 500, an I/O error or a timeout (30 s).");
        line("");
        line("| fault | pages | pages/s | page p50 ms | page p99 ms | page max ms | 500s sent | failed | captured | delivered (distinct) | dropped | delivered + dropped = captured | drain s |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        try (ScriptedPostHog posthog = new ScriptedPostHog(ingestPort); LoadMix load = new LoadMix(b, 4, 20)) {
            drain(b, load); // what the throughput phase left behind
            Counts baseline = snapshot(b, posthog);
            load.next("baseline");
            load.throwing(true);
            Thread.sleep(Duration.ofSeconds(faultSeconds));
            load.throwing(false);
            faultRow(b, posthog, load, "none (baseline)", baseline);
            for (ScriptedPostHog.Mode mode : List.of(ScriptedPostHog.Mode.REFUSE, ScriptedPostHog.Mode.STATUS_503,
                    ScriptedPostHog.Mode.STATUS_429, ScriptedPostHog.Mode.HANG)) {
                Counts start = snapshot(b, posthog);
                load.next(mode.name());
                load.throwing(true);
                posthog.mode(mode);
                Thread.sleep(Duration.ofSeconds(faultSeconds)); // the fault's duration
                posthog.mode(ScriptedPostHog.Mode.OK);
                Thread.sleep(Duration.ofSeconds(recoverySeconds)); // recovery under load
                load.throwing(false);
                faultRow(b, posthog, load, label(mode), start);
            }
            outage(b, posthog, load);
            line("");
            line("Duplicates (an event acknowledged twice): " + posthog.duplicates() + ".");
        }
    }

    private static String label(ScriptedPostHog.Mode mode) {
        return switch (mode) {
            case REFUSE -> "connection refused";
            case STATUS_503 -> "503";
            case STATUS_429 -> "429, Retry-After: 5";
            case HANG -> "hangs (never answers)";
            case OK -> "none";
        };
    }

    record Counts(long captured, long sent, long dropped, long pending, long delivered) {
    }

    private static Counts snapshot(AgnesProcess b, ScriptedPostHog posthog) throws Exception {
        JsonObject stats = b.stats();
        return new Counts(stats.getJsonNumber("captured").longValue(), stats.getJsonNumber("sent").longValue(),
                stats.getJsonNumber("dropped_total").longValue(), stats.getJsonNumber("pending").longValue(), posthog.delivered());
    }

    /** Waits (bounded) until nothing is pending; returns the seconds it took. */
    private static double drain(AgnesProcess b, LoadMix load) throws Exception {
        long start = System.nanoTime();
        long deadline = start + Duration.ofMinutes(3).toNanos();
        load.throwing(false);
        while (b.stats().getJsonNumber("pending").longValue() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(250); // polling the server's counter; there is no event to wait on
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private void faultRow(AgnesProcess b, ScriptedPostHog posthog, LoadMix load, String fault, Counts start) throws Exception {
        double drainSeconds = drain(b, load);
        Counts end = snapshot(b, posthog);
        LoadMix.Window w = load.next("between");
        long captured = end.captured() - start.captured();
        long delivered = end.delivered() - start.delivered();
        long dropped = end.dropped() - start.dropped();
        boolean balanced = delivered + dropped == captured && end.pending() == 0;
        line(String.format(Locale.ROOT, "| %s | %d | %.0f | %.2f | %.2f | %.0f | %d | %s | %d | %d | %d | %s | %.1f |", fault, w.pages.get(),
                w.pages.get() / w.seconds(), w.pageMillis(0.5), w.pageMillis(0.99), w.pageMillis(1.0), w.errorsRequested.get(),
                w.failed.get() == 0 ? "0" : "**" + w.failed.get() + "** " + w.failures, captured, delivered, dropped,
                balanced ? "yes" : "**no** (pending " + end.pending() + ")", drainSeconds));
    }

    private void outage(AgnesProcess b, ScriptedPostHog posthog, LoadMix load) throws Exception {
        log("Outage: PostHog hangs for " + outageSeconds + " s under load; sampling every " + sampleSeconds + " s");
        Counts start = snapshot(b, posthog);
        long heapStart = b.heapAfterGc();
        load.next("outage");
        load.throwing(true);
        posthog.mode(ScriptedPostHog.Mode.HANG);
        List<String> samples = new ArrayList<>();
        long t0 = System.nanoTime();
        samples.add(sample(b, 0, start));
        for (int s = sampleSeconds; s <= outageSeconds; s += sampleSeconds) {
            long wait = t0 + Duration.ofSeconds(s).toNanos() - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait)); // the sampling period
            }
            samples.add(sample(b, s, start));
        }
        posthog.mode(ScriptedPostHog.Mode.OK);
        Thread.sleep(Duration.ofSeconds(recoverySeconds));
        load.throwing(false);
        line("");
        line("### " + (outageSeconds / 60.0 >= 1 ? String.format(Locale.ROOT, "%.0f-minute", outageSeconds / 60.0) : outageSeconds + "-second")
                + " outage under load (PostHog hangs; POSTHOG_QUEUE_SIZE 10000, POSTHOG_REQUEST_TIMEOUT 10 s)");
        line("");
        line("Live heap after a full GC at the start: " + mb(heapStart) + " MB. Counts since the outage began.");
        line("");
        line("| s | heap used MB | live heap after GC MB | captured | sent | pending (backlog) | of it compressed: events, MB | dropped |");
        line("|---:|---:|---:|---:|---:|---:|---:|---:|");
        samples.forEach(this::line);
        line("");
        line("| fault | pages | pages/s | page p50 ms | page p99 ms | page max ms | 500s sent | failed | captured | delivered (distinct) | dropped | delivered + dropped = captured | drain s |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        faultRow(b, posthog, load, "outage " + outageSeconds + " s, then recovery", start);
    }

    private static String sample(AgnesProcess b, int second, Counts start) throws Exception {
        long used = b.heapUsed();
        long live = b.heapAfterGc();
        JsonObject stats = b.stats();
        return String.format(Locale.ROOT, "| %d | %s | %s | %d | %d | %d | %d, %s | %d |", second, mb(used), mb(live),
                stats.getJsonNumber("captured").longValue() - start.captured(), stats.getJsonNumber("sent").longValue() - start.sent(),
                stats.getJsonNumber("pending").longValue(), stats.getJsonNumber("pending_compressed").longValue(),
                mb(stats.getJsonNumber("pending_compressed_bytes").longValue()),
                stats.getJsonNumber("dropped_total").longValue() - start.dropped());
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static <T> List<Double> values(List<T> results, ToDoubleFunction<T> metric) {
        return results.stream().map(metric::applyAsDouble).toList();
    }

    private static <T> List<Double> ratios(List<T> over, List<T> base, ToDoubleFunction<T> metric) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(over.size(), base.size()); i++) {
            ratios.add(metric.applyAsDouble(over.get(i)) / metric.applyAsDouble(base.get(i)));
        }
        return ratios;
    }

    static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static String fmt(List<Double> ratios) {
        return String.join(" ", ratios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList());
    }

    private static String kb(List<Double> bytes) {
        return String.join(" ", bytes.stream().map(v -> String.format(Locale.ROOT, "%.1f", v / 1024)).toList());
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private void line(String text) {
        report.append(text).append('\n');
        System.out.println(text);
        System.out.flush();
    }

    private static void log(String text) {
        System.out.println("[load " + DateTimeFormatter.ISO_LOCAL_TIME.withZone(ZoneOffset.UTC).format(Instant.now()).substring(0, 8) + "] " + text);
        System.out.flush();
    }
}
