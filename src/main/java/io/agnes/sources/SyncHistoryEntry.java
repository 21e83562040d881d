package io.agnes.sources;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * One line of the sync history: a source's outcome within one run, or (with no source) a run that
 * failed before any source was tried, for example on an invalid sources file.
 */
@Entity
@Table(name = "agnes_sync_history", indexes = @Index(name = "ix_sync_history_started", columnList = "started_at"))
public class SyncHistoryEntry {

    @Id
    @Column(length = 36)
    private String id;

    /** Shared by the entries of one run. */
    @Column(name = "run_id", nullable = false, length = 36)
    private String runId;

    /** {@code rebuild} or {@code rebuild_source}. */
    @Column(nullable = false, length = 32)
    private String op;

    @Column(name = "source_name", length = 63)
    private String sourceName;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "duration_ms", nullable = false)
    private long durationMs;

    /** {@code ok} or {@code failed}. */
    @Column(nullable = false, length = 16)
    private String status;

    @Column(name = "row_count")
    private Long rows;

    @Column(length = 4000)
    private String error;

    protected SyncHistoryEntry() {
    }

    SyncHistoryEntry(String runId, String op, String sourceName, Instant startedAt, long durationMs, String status,
                     Long rows, String error) {
        this.id = UUID.randomUUID().toString();
        this.runId = runId;
        this.op = op;
        this.sourceName = sourceName;
        this.startedAt = startedAt;
        this.durationMs = durationMs;
        this.status = status;
        this.rows = rows;
        this.error = clip(error, 4000);
    }

    static String clip(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    public String getId() {
        return id;
    }

    public String getRunId() {
        return runId;
    }

    public String getOp() {
        return op;
    }

    public String getSourceName() {
        return sourceName;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public long getDurationMs() {
        return durationMs;
    }

    public String getStatus() {
        return status;
    }

    public Long getRows() {
        return rows;
    }

    public String getError() {
        return error;
    }
}
