package io.agnes.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;

/**
 * {@code GET /api/sync/status}: {@code {"state", "run_id", "started_at", "finished_at", "tables_done",
 * "tables_total", "current_table", "error"}}, every field but {@code state} optional. States: {@code idle}
 * (nothing has run), {@code queued} or {@code running}, then {@code succeeded} or {@code failed}.
 */
record SyncStatus(String state, String runId, String startedAt, String finishedAt, Long tablesDone, Long tablesTotal,
                  String currentTable, String error) {

    static SyncStatus from(Map<String, Object> json) {
        String state = Json.text(json, "state");
        if (state == null) {
            throw new Json.MalformedJsonException("The sync status has no \"state\": " + Json.write(json));
        }
        return new SyncStatus(state.toLowerCase(Locale.ROOT), Json.text(json, "run_id"), Json.text(json, "started_at"),
                Json.text(json, "finished_at"), Json.integer(json, "tables_done"), Json.integer(json, "tables_total"),
                Json.text(json, "current_table"), Json.text(json, "error"));
    }

    boolean succeeded() {
        return state.equals("succeeded");
    }

    boolean failed() {
        return state.equals("failed");
    }

    boolean finished() {
        return succeeded() || failed();
    }

    /** One line: {@code running — 3/7 tables, now orders}. */
    String describe() {
        StringBuilder text = new StringBuilder(state);
        String progress = progress();
        if (!progress.isEmpty()) {
            text.append(" — ").append(progress);
        }
        if (finished() && finishedAt != null) {
            text.append(", finished ").append(finishedAt);
        } else if (!finished() && startedAt != null && !state.equals("idle")) {
            text.append(", started ").append(startedAt);
        }
        if (failed() && error != null) {
            text.append(": ").append(error);
        }
        return text.toString();
    }

    String progress() {
        StringBuilder text = new StringBuilder();
        if (tablesTotal != null) {
            text.append(tablesDone == null ? 0 : tablesDone).append('/').append(tablesTotal).append(" tables");
        } else if (tablesDone != null) {
            text.append(tablesDone).append(" tables");
        }
        if (!finished() && currentTable != null) {
            text.append(text.isEmpty() ? "" : ", ").append("now ").append(currentTable);
        }
        return text.toString();
    }

    /** How long the run took, when both timestamps are ISO-8601 instants. */
    Duration took() {
        try {
            return startedAt == null || finishedAt == null ? null : Duration.between(Instant.parse(startedAt), Instant.parse(finishedAt));
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
