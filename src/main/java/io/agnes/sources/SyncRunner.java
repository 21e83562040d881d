package io.agnes.sources;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs syncs in the background for the API: {@link #trigger()} returns at once, {@link #status()}
 * tells how it goes. One background run at a time; a second trigger is refused, not queued.
 */
@ApplicationScoped
public class SyncRunner {

    private static final Logger LOG = Logger.getLogger(SyncRunner.class.getName());

    @Inject
    Orchestrator orchestrator;

    @Inject
    DeclaredSources sources;

    @Resource(lookup = "java:comp/DefaultManagedExecutorService")
    ExecutorService executor;

    private SyncStatus current = new SyncStatus(false, null, null, null, null);

    /**
     * Starts a rebuild of every source in the background.
     *
     * @return the status with the run just started
     * @throws SyncAlreadyRunningException when a background run is still in progress
     */
    public SyncStatus trigger() {
        return start(SyncReport.OP_REBUILD, null);
    }

    /**
     * Starts a rebuild of one source in the background.
     *
     * @throws UnknownSourceException      no source of that name is declared (checked before starting)
     * @throws InvalidSourcesException     the sources file cannot be used
     * @throws SyncAlreadyRunningException when a background run is still in progress
     */
    public SyncStatus trigger(String source) {
        if (sources.load().stream().noneMatch(s -> s.name().equals(source))) {
            throw new UnknownSourceException(source);
        }
        return start(SyncReport.OP_REBUILD_SOURCE, source);
    }

    public synchronized SyncStatus status() {
        return current;
    }

    private synchronized SyncStatus start(String op, String source) {
        if (current.running()) {
            throw new SyncAlreadyRunningException(current.startedAt());
        }
        Instant startedAt = Instant.now();
        current = new SyncStatus(true, op, source, startedAt, current.lastRun());
        try {
            executor.execute(() -> run(op, source, startedAt));
        } catch (RuntimeException e) {
            current = new SyncStatus(false, null, null, null, current.lastRun());
            throw e;
        }
        return current;
    }

    private void run(String op, String source, Instant startedAt) {
        SyncReport report;
        try {
            report = source == null ? orchestrator.rebuild() : orchestrator.rebuildSource(source);
        } catch (SyncFailedException e) {
            report = e.report();
        } catch (RuntimeException e) {
            // an invalid sources file, an unknown source removed meanwhile, or a bug: still a finished run
            Throwable cause = e instanceof jakarta.ejb.EJBException && e.getCause() != null ? e.getCause() : e;
            LOG.log(Level.WARNING, "Background sync failed", cause);
            String error = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
            report = new SyncReport(null, op, source, SyncReport.FAILED, startedAt, Instant.now(),
                    java.time.Duration.between(startedAt, Instant.now()).toMillis(), null, false, List.of(), error);
        }
        finish(report);
    }

    private synchronized void finish(SyncReport report) {
        current = new SyncStatus(false, null, null, null, report);
    }
}
