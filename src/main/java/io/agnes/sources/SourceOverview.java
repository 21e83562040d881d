package io.agnes.sources;

import java.time.Instant;
import java.util.List;

/**
 * A declared source with its latest sync state, as the sources API shows it. Credentials never
 * appear: JDBC URLs are redacted and user/password are only named environment variables.
 *
 * @param location      for JDBC the redacted URL; for CSV null (each table has its own location)
 * @param lastStatus    {@code ok}, {@code failed}, or null when never synced
 * @param rows          rows in the current extract (from the last success)
 * @param durationMs    duration of the last successful extraction
 * @param lastError     error of the last attempt, null when it succeeded
 */
public record SourceOverview(String name, String kind, String description, String location, List<TableOverview> tables,
                             String lastStatus, Instant lastAttemptAt, Instant lastSuccessAt, Long rows, Long durationMs,
                             String lastError) {

    /** A declared table: {@code location} is the CSV path, the URL (without query string) or the SQL query. */
    public record TableOverview(String name, String description, String location) {
    }
}
