package io.agnes.sources;

import java.time.Instant;

/**
 * The background sync as the sync API shows it.
 *
 * @param running   whether a run started by {@link SyncRunner} is in progress
 * @param op        of the running run: {@code rebuild} or {@code rebuild_source}; null when idle
 * @param source    of a running {@code rebuild_source}, else null
 * @param startedAt when the running run started; null when idle
 * @param lastRun   the report of the last finished run since the server started, null before
 */
public record SyncStatus(boolean running, String op, String source, Instant startedAt, SyncReport lastRun) {
}
