package io.agnes.scheduler;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/** One run of a scheduled job, kept for the admin page. */
@Entity
@Table(name = "agnes_job_run", indexes = @Index(name = "ix_job_run_started", columnList = "started_at"))
public class JobRun {

    /** Longer error texts are cut; the full story is in the server log. */
    static final int MAX_ERROR_LENGTH = 2000;

    @Id
    @Column(length = 36)
    private String id;

    @Column(nullable = false, length = 40)
    private String job;

    @Column(nullable = false, length = 10)
    private String method;

    @Column(nullable = false, length = 200)
    private String path;

    @Column(name = "started_at", nullable = false)
    private Instant startedAt;

    @Column(name = "duration_ms", nullable = false)
    private long durationMs;

    /** Null when no HTTP response arrived (transport error) or the run was skipped. */
    @Column(name = "http_status")
    private Integer httpStatus;

    /** ok, failed or skipped. */
    @Column(nullable = false, length = 10)
    private String outcome;

    @Column(length = MAX_ERROR_LENGTH)
    private String error;

    /** 1 for a scheduled run, 2+ when the container redelivered a failed run. */
    @Column(nullable = false)
    private int attempt = 1;

    protected JobRun() {
    }

    JobRun(ScheduledJob job, Instant startedAt, long durationMs, Integer httpStatus, String outcome, String error) {
        this.id = UUID.randomUUID().toString();
        this.job = job.id();
        this.method = job.method();
        this.path = job.path();
        this.startedAt = startedAt;
        this.durationMs = durationMs;
        this.httpStatus = httpStatus;
        this.outcome = outcome;
        this.error = error == null || error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }

    public String getId() {
        return id;
    }

    public String getJob() {
        return job;
    }

    public String getMethod() {
        return method;
    }

    public String getPath() {
        return path;
    }

    public Instant getStartedAt() {
        return startedAt;
    }

    public long getDurationMs() {
        return durationMs;
    }

    public Integer getHttpStatus() {
        return httpStatus;
    }

    public String getOutcome() {
        return outcome;
    }

    public String getError() {
        return error;
    }

    public int getAttempt() {
        return attempt;
    }

    JobRun withAttempt(int attempt) {
        this.attempt = attempt;
        return this;
    }
}
