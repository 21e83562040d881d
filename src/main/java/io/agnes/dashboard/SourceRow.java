package io.agnes.dashboard;

import io.agnes.sources.SourceOverview;
import io.agnes.web.Display;
import java.util.List;

/** A declared source and its latest sync state, as a row of the dashboard's sources table. */
public final class SourceRow {

    private final SourceOverview source;

    SourceRow(SourceOverview source) {
        this.source = source;
    }

    static List<SourceRow> of(List<SourceOverview> sources) {
        return sources.stream().map(SourceRow::new).toList();
    }

    public String getName() {
        return source.name();
    }

    public String getKind() {
        return source.kind();
    }

    public String getDescription() {
        return source.description();
    }

    public int getTableCount() {
        return source.tables().size();
    }

    /** {@code ok}, {@code failed} or {@code never synced}. */
    public String getLastStatus() {
        return source.lastStatus() == null ? "never synced" : source.lastStatus();
    }

    /** For a CSS class: {@code ok}, {@code failed} or {@code never}. */
    public String getStatusClass() {
        return source.lastStatus() == null ? "never" : source.lastStatus();
    }

    public String getLastSuccess() {
        return Display.instant(source.lastSuccessAt());
    }

    public String getRows() {
        return Display.count(source.rows());
    }

    public String getLastError() {
        return source.lastError();
    }
}
