package io.agnes.sources;

import java.time.Instant;
import java.util.List;

/**
 * What one rebuild did; serialises as the JSON of the sync API (snake_case).
 *
 * @param runId       shared with the sync history entries of this run
 * @param op          {@code rebuild} (every source) or {@code rebuild_source} (one source)
 * @param source      the source of a {@code rebuild_source}, else null
 * @param status      {@code ok} (every source extracted and the master swapped in), {@code partial}
 *                    (some sources failed; a master from the good extracts was swapped in) or
 *                    {@code failed} (nothing new is served)
 * @param master      file name of the master serving queries after the run, null if there is none
 * @param masterBuilt whether this run swapped in a new master
 * @param sources     one result per source tried
 * @param error       what failed outside any single source (sources file, master build), else null
 */
public record SyncReport(String runId, String op, String source, String status, Instant startedAt, Instant finishedAt,
                         long durationMs, String master, boolean masterBuilt, List<SourceResult> sources, String error) {

    public static final String OK = "ok";
    public static final String PARTIAL = "partial";
    public static final String FAILED = "failed";
    public static final String OP_REBUILD = "rebuild";
    public static final String OP_REBUILD_SOURCE = "rebuild_source";

    public SyncReport {
        sources = List.copyOf(sources);
    }

    public boolean ok() {
        return OK.equals(status);
    }

    /**
     * One source's outcome.
     *
     * @param status     {@code ok} or {@code failed}
     * @param tables     the tables extracted (empty when failed: the previous extract stays in use)
     * @param rows       total rows extracted
     * @param durationMs time spent on this source
     * @param error      why it failed, else null
     */
    public record SourceResult(String source, String status, List<TableResult> tables, long rows, long durationMs,
                               String error) {

        public SourceResult {
            tables = List.copyOf(tables);
        }

        public boolean ok() {
            return OK.equals(status);
        }
    }

    /** One extracted table and its row count. */
    public record TableResult(String name, long rows) {
    }
}
