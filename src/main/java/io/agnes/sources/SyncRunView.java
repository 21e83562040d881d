package io.agnes.sources;

import io.agnes.web.Display;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sync run as pages show it: when, what, how it ended, and one line per source. Built from the
 * history lines of a run or from the report of a run the server just finished.
 */
public final class SyncRunView {

    private final String runId;
    private final String op;
    private final String source;
    private final Instant startedAt;
    private final Long durationMs;
    private final String status;
    private final List<Line> lines;

    private SyncRunView(String runId, String op, String source, Instant startedAt, Long durationMs, String status,
                        List<Line> lines) {
        this.runId = runId;
        this.op = op;
        this.source = source;
        this.startedAt = startedAt;
        this.durationMs = durationMs;
        this.status = status;
        this.lines = List.copyOf(lines);
    }

    /**
     * Groups history lines (newest first, as {@link SyncLedger#history} returns them) into runs, newest
     * first. A run's status is {@code failed} when it failed as a whole (a line without a source) or every
     * source failed, {@code partial} when only some sources failed, else {@code ok}.
     */
    public static List<SyncRunView> fromHistory(List<SyncHistoryEntry> history) {
        Map<String, List<SyncHistoryEntry>> byRun = new LinkedHashMap<>();
        for (SyncHistoryEntry entry : history) {
            byRun.computeIfAbsent(entry.getRunId(), k -> new ArrayList<>()).add(entry);
        }
        List<SyncRunView> runs = new ArrayList<>();
        for (List<SyncHistoryEntry> entries : byRun.values()) {
            SyncHistoryEntry first = entries.getFirst();
            List<Line> lines = entries.stream()
                    .map(e -> new Line(e.getSourceName(), e.getStatus(), e.getRows(), e.getDurationMs(), e.getError()))
                    .toList();
            // the run's own duration is not in the history; a failure of the whole run carries it
            Long duration = entries.stream().filter(e -> e.getSourceName() == null).map(SyncHistoryEntry::getDurationMs)
                    .findFirst().orElse(null);
            String source = SyncReport.OP_REBUILD_SOURCE.equals(first.getOp()) && entries.size() == 1
                    ? first.getSourceName() : null;
            runs.add(new SyncRunView(first.getRunId(), first.getOp(), source, first.getStartedAt(), duration,
                    statusOf(lines), lines));
        }
        return runs;
    }

    /** The run the server finished last, from its report. */
    public static SyncRunView fromReport(SyncReport report) {
        List<Line> lines = new ArrayList<>();
        for (SyncReport.SourceResult result : report.sources()) {
            lines.add(new Line(result.source(), result.status(), result.ok() ? result.rows() : null, result.durationMs(),
                    result.error()));
        }
        if (report.error() != null) {
            lines.add(new Line(null, SyncReport.FAILED, null, report.durationMs(), report.error()));
        }
        String status = report.status() == null ? statusOf(lines) : report.status();
        return new SyncRunView(report.runId(), report.op(), report.source(), report.startedAt(), report.durationMs(),
                status, lines);
    }

    static String statusOf(List<Line> lines) {
        boolean runFailed = lines.stream().anyMatch(l -> l.source == null && !l.ok());
        long failed = lines.stream().filter(l -> !l.ok()).count();
        if (runFailed || (failed > 0 && failed == lines.size())) {
            return SyncReport.FAILED;
        }
        return failed > 0 ? SyncReport.PARTIAL : SyncReport.OK;
    }

    public String getRunId() {
        return runId;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public String getStartedAt() {
        return Display.instant(startedAt);
    }

    /** {@code all sources} or {@code source crm}. */
    public String getScope() {
        if (SyncReport.OP_REBUILD_SOURCE.equals(op)) {
            return source == null ? "one source" : "source " + source;
        }
        return "all sources";
    }

    public String getDuration() {
        return Display.duration(durationMs);
    }

    /** Whether the run's own duration is known (history lines only carry each source's). */
    public boolean isTimed() {
        return durationMs != null;
    }

    /** {@code ok}, {@code partial} or {@code failed}. */
    public String getStatus() {
        return status;
    }

    public List<Line> getLines() {
        return lines;
    }

    /** {@code 3 sources ok, 1 failed · 12,345 rows}. */
    public String getSummary() {
        List<Line> perSource = lines.stream().filter(l -> l.source != null).toList();
        long ok = perSource.stream().filter(Line::ok).count();
        long failed = perSource.size() - ok;
        long rows = perSource.stream().filter(Line::ok).mapToLong(l -> l.rows == null ? 0 : l.rows).sum();
        StringBuilder text = new StringBuilder();
        text.append(ok).append(ok == 1 ? " source ok" : " sources ok");
        if (failed > 0) {
            text.append(", ").append(failed).append(" failed");
        }
        if (ok > 0) {
            text.append(" · ").append(Display.count(rows)).append(rows == 1 ? " row" : " rows");
        }
        return text.toString();
    }

    /** The errors of the run, each with its source: {@code crm: connection refused}. */
    public List<String> getErrors() {
        return lines.stream().filter(l -> l.error != null)
                .map(l -> l.source == null ? l.error : l.source + ": " + l.error).toList();
    }

    /** One source's outcome within a run; a line without a source is a failure of the whole run. */
    public static final class Line {

        private final String source;
        private final String status;
        private final Long rows;
        private final long durationMs;
        private final String error;

        Line(String source, String status, Long rows, long durationMs, String error) {
            this.source = source;
            this.status = status;
            this.rows = rows;
            this.durationMs = durationMs;
            this.error = error;
        }

        boolean ok() {
            return SyncReport.OK.equals(status);
        }

        /** The source name, or {@code (whole run)} for a failure before or after the sources. */
        public String getSource() {
            return source == null ? "(whole run)" : source;
        }

        public String getStatus() {
            return status;
        }

        public String getRows() {
            return Display.count(rows);
        }

        public String getDuration() {
            return Display.duration(durationMs);
        }

        public String getError() {
            return error;
        }
    }
}
