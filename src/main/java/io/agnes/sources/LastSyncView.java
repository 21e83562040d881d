package io.agnes.sources;

import io.agnes.web.Display;
import java.util.List;

/**
 * The sync as the dashboard shows it: whether one is running now, and how the last one ended. The
 * last run is the newer of the run this server finished (from {@link SyncStatus}) and the newest in
 * the history, which survives restarts and also holds runs started elsewhere.
 */
public final class LastSyncView {

    private final SyncStatus status;
    private final SyncRunView lastRun;

    private LastSyncView(SyncStatus status, SyncRunView lastRun) {
        this.status = status;
        this.lastRun = lastRun;
    }

    /**
     * @param status  the background runner's state
     * @param history the newest history runs, newest first (may be empty)
     */
    public static LastSyncView of(SyncStatus status, List<SyncRunView> history) {
        SyncRunView fromHistory = history.isEmpty() ? null : history.getFirst();
        SyncRunView fromRunner = status.lastRun() == null ? null : SyncRunView.fromReport(status.lastRun());
        SyncRunView last;
        if (fromRunner == null) {
            last = fromHistory;
        } else if (fromHistory == null || fromHistory.startedAt() == null || fromRunner.startedAt() == null) {
            last = fromRunner;
        } else {
            last = fromHistory.startedAt().isAfter(fromRunner.startedAt()) ? fromHistory : fromRunner;
        }
        return new LastSyncView(status, last);
    }

    public boolean isRunning() {
        return status.running();
    }

    /** {@code since 2024-01-31 13:45:07 UTC (all sources)}; empty when idle. */
    public String getRunningText() {
        if (!status.running()) {
            return "";
        }
        String scope = status.source() == null ? "all sources" : "source " + status.source();
        return "since " + Display.instant(status.startedAt()) + " (" + scope + ")";
    }

    /** Null when no sync ever ran. */
    public SyncRunView getLastRun() {
        return lastRun;
    }
}
