package io.agnes.sources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Does the work behind {@link Orchestrator}: extracts sources into their own DuckDB files, builds a
 * master over the extracts and swaps it in. Plain Java, so it is tested without a container.
 *
 * <p>Runs are serialised by a fair lock: a second caller waits for the running rebuild to finish,
 * then runs its own (with the sources file as it is then). A failing source keeps its previous
 * extract; a new master is swapped in when at least one source was extracted (or when there is no
 * master yet), built from every current extract, so queries never lose data a good sync produced.
 */
public final class Rebuilder {

    private static final Logger LOG = Logger.getLogger(Rebuilder.class.getName());
    private static final DateTimeFormatter MASTER_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Path extractsDirectory;
    private final Supplier<List<Source>> declarations;
    private final AnalyticsDatabase analytics;
    private final SyncLedger ledger;
    private final SourceExtractor extractor;
    private final MasterBuilder masterBuilder = new MasterBuilder();
    private final ReentrantLock lock = new ReentrantLock(true);

    /**
     * @param dataDir      extracts go to {@code dataDir/extracts/<source>/extract.duckdb}
     * @param declarations reads the sources file (again on every run, so edits apply without restart)
     * @param environment  looks up the environment variables that hold JDBC credentials
     */
    public Rebuilder(Path dataDir, Supplier<List<Source>> declarations, AnalyticsDatabase analytics, SyncLedger ledger,
                     Function<String, Optional<String>> environment) {
        this.extractsDirectory = dataDir.resolve("extracts");
        this.declarations = declarations;
        this.analytics = analytics;
        this.ledger = ledger;
        this.extractor = new SourceExtractor(environment);
    }

    /**
     * Re-extracts every declared source, then builds and swaps in a new master.
     *
     * @throws SyncFailedException     after recording, when any source or the master build failed
     * @throws InvalidSourcesException when the sources file cannot be used (nothing changes)
     */
    public SyncReport rebuild() {
        lock.lock();
        try {
            return run(SyncReport.OP_REBUILD, null);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Re-extracts one source, then builds a new master from all current extracts.
     *
     * @throws UnknownSourceException  when no source has that name
     * @throws SyncFailedException     after recording, when the source or the master build failed
     * @throws InvalidSourcesException when the sources file cannot be used (nothing changes)
     */
    public SyncReport rebuildSource(String name) {
        lock.lock();
        try {
            return run(SyncReport.OP_REBUILD_SOURCE, name);
        } finally {
            lock.unlock();
        }
    }

    /** The extract file of a source (it may not exist yet). */
    public Path extractOf(String source) {
        return extractsDirectory.resolve(source).resolve("extract.duckdb");
    }

    private SyncReport run(String op, String only) {
        String runId = UUID.randomUUID().toString();
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        List<Source> sources;
        try {
            sources = declarations.get();
        } catch (InvalidSourcesException e) {
            record(() -> ledger.recordRunFailure(runId, op, only, startedAt, millisSince(start), e.getMessage()));
            throw e;
        }
        List<Source> toExtract = sources;
        if (only != null) {
            toExtract = sources.stream().filter(s -> s.name().equals(only)).toList();
            if (toExtract.isEmpty()) {
                throw new UnknownSourceException(only);
            }
        }
        List<SyncReport.SourceResult> results = new ArrayList<>();
        for (Source source : toExtract) {
            SyncReport.SourceResult result = extract(source);
            results.add(result);
            record(() -> ledger.recordSource(runId, op, startedAt, result));
        }
        boolean anyExtracted = results.stream().anyMatch(SyncReport.SourceResult::ok);
        String error = null;
        boolean masterBuilt = false;
        if (anyExtracted || analytics.currentMaster().isEmpty()) {
            Map<String, Path> extracts = new LinkedHashMap<>();
            for (Source source : sources) {
                Path extract = extractOf(source.name());
                if (Files.isRegularFile(extract)) {
                    extracts.put(source.name(), extract);
                }
            }
            if (!extracts.isEmpty()) {
                try {
                    Path master = newMasterFile();
                    masterBuilder.build(master, extracts);
                    analytics.install(master);
                    masterBuilt = true;
                } catch (SQLException | IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "Building the analytics master failed; the previous one stays in use", e);
                    error = "building the analytics database failed: " + SourceExtractor.firstLine(e.getMessage());
                    String recorded = error;
                    record(() -> ledger.recordRunFailure(runId, op, only, startedAt, millisSince(start), recorded));
                }
            }
        }
        boolean allOk = error == null && results.stream().allMatch(SyncReport.SourceResult::ok);
        String status = allOk ? SyncReport.OK : masterBuilt ? SyncReport.PARTIAL : SyncReport.FAILED;
        SyncReport report = new SyncReport(runId, op, only, status, startedAt, Instant.now(), millisSince(start),
                analytics.currentMaster().map(p -> p.getFileName().toString()).orElse(null), masterBuilt, results, error);
        if (!report.ok()) {
            throw new SyncFailedException(report);
        }
        return report;
    }

    private SyncReport.SourceResult extract(Source source) {
        long start = System.nanoTime();
        try {
            Map<String, Long> rows = extractor.extract(source, extractOf(source.name()));
            List<SyncReport.TableResult> tables = rows.entrySet().stream()
                    .map(e -> new SyncReport.TableResult(e.getKey(), e.getValue())).toList();
            long total = rows.values().stream().mapToLong(Long::longValue).sum();
            LOG.info(() -> "Source " + source.name() + " extracted: " + tables.size() + " tables, " + total + " rows");
            return new SyncReport.SourceResult(source.name(), SyncReport.OK, tables, total, millisSince(start), null);
        } catch (SourceExtractor.ExtractFailed | RuntimeException e) {
            LOG.log(Level.WARNING, "Source " + source.name() + " failed; its previous extract stays in use: " + e.getMessage(),
                    e instanceof SourceExtractor.ExtractFailed ? null : e);
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new SyncReport.SourceResult(source.name(), SyncReport.FAILED, List.of(), 0, millisSince(start), error);
        }
    }

    private Path newMasterFile() {
        Path directory = analytics.directory();
        String stamp = MASTER_STAMP.format(Instant.now());
        Path master = directory.resolve("master-" + stamp + ".duckdb");
        for (int n = 2; Files.exists(master); n++) {
            master = directory.resolve("master-" + stamp + "-" + n + ".duckdb");
        }
        return master;
    }

    /** The state store is bookkeeping: when it fails, the sync itself still counts. */
    private static void record(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Cannot record the sync state", e);
        }
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
