package io.agnes.sources;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The latest sync outcome of one source: what operators look at first when data seems stale. */
@Entity
@Table(name = "agnes_source_state")
public class SourceState {

    @Id
    @Column(name = "source_name", length = 63)
    private String sourceName;

    @Column(name = "last_attempt_at")
    private Instant lastAttemptAt;

    /** {@code ok} or {@code failed}. */
    @Column(name = "last_status", length = 16)
    private String lastStatus;

    @Column(name = "last_success_at")
    private Instant lastSuccessAt;

    /** Rows and duration of the last SUCCESSFUL extraction: what the current extract holds. */
    @Column(name = "row_count")
    private Long rows;

    @Column(name = "table_count")
    private Integer tables;

    @Column(name = "duration_ms")
    private Long durationMs;

    /** The error of the last attempt; null after a success. */
    @Column(name = "last_error", length = 4000)
    private String lastError;

    protected SourceState() {
    }

    SourceState(String sourceName) {
        this.sourceName = sourceName;
    }

    void recordSuccess(Instant at, long rows, int tables, long durationMs) {
        this.lastAttemptAt = at;
        this.lastStatus = SyncReport.OK;
        this.lastSuccessAt = at;
        this.rows = rows;
        this.tables = tables;
        this.durationMs = durationMs;
        this.lastError = null;
    }

    void recordFailure(Instant at, String error) {
        this.lastAttemptAt = at;
        this.lastStatus = SyncReport.FAILED;
        this.lastError = SyncHistoryEntry.clip(error, 4000);
    }

    public String getSourceName() {
        return sourceName;
    }

    public Instant getLastAttemptAt() {
        return lastAttemptAt;
    }

    public String getLastStatus() {
        return lastStatus;
    }

    public Instant getLastSuccessAt() {
        return lastSuccessAt;
    }

    public Long getRows() {
        return rows;
    }

    public Integer getTables() {
        return tables;
    }

    public Long getDurationMs() {
        return durationMs;
    }

    public String getLastError() {
        return lastError;
    }
}
