package io.agnes.query;

import io.agnes.sources.AnalyticsDatabase;
import io.agnes.sources.NoDataYetException;
import io.agnes.web.Setting;
import io.agnes.web.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.Blob;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * Runs a user's read query against the current analytics database.
 *
 * <p>Configuration: {@code AGNES_QUERY_MAX_ROWS} (default 1000) is both the default row cap and the
 * largest limit a caller may ask for; {@code AGNES_QUERY_TIMEOUT_SECONDS} (default 30) cancels
 * longer queries. Every query passes {@link QueryGuard} and then runs on a read-only connection
 * with file and network access switched off, so even SQL the guard let through cannot write or
 * read the server's files.
 */
@ApplicationScoped
public class QueryRunner {

    @Inject
    AnalyticsDatabase analytics;

    @Inject
    Settings settings;

    QueryGuard guard = new QueryGuard();

    /** For CDI. */
    protected QueryRunner() {
    }

    public QueryRunner(AnalyticsDatabase analytics, Settings settings) {
        this.analytics = analytics;
        this.settings = settings;
    }

    /**
     * Runs {@code sql}.
     *
     * @param limit rows wanted; null or less than 1 = AGNES_QUERY_MAX_ROWS, larger values are capped to it
     * @throws QueryRefusedException not a single read query
     * @throws QueryFailedException  DuckDB rejected it (syntax, unknown table, ...)
     * @throws QueryTimeoutException it ran longer than AGNES_QUERY_TIMEOUT_SECONDS
     * @throws NoDataYetException    no sync has succeeded yet
     */
    public QueryResult run(String sql, Integer limit) {
        guard.check(sql);
        return execute(sql, limit);
    }

    /** The largest number of rows one query returns. */
    public int maxRows() {
        return settings.positiveInt(Setting.AGNES_QUERY_MAX_ROWS, 1);
    }

    /** Runs without the guard: the connection's own protections only. Package-private for tests. */
    QueryResult execute(String sql, Integer limit) {
        int max = maxRows();
        int cap = limit == null || limit < 1 ? max : Math.min(limit, max);
        int timeout = settings.positiveInt(Setting.AGNES_QUERY_TIMEOUT_SECONDS, 1);
        long start = System.nanoTime();
        try (AnalyticsDatabase.Lease lease = analytics.open(); Statement statement = lease.connection().createStatement()) {
            statement.setQueryTimeout(timeout);
            if (!statement.execute(sql)) {
                return new QueryResult(List.of(), List.of(), false, millisSince(start));
            }
            try (ResultSet rs = statement.getResultSet()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<QueryResult.Column> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(new QueryResult.Column(meta.getColumnLabel(i), meta.getColumnTypeName(i)));
                }
                List<List<Object>> rows = new ArrayList<>();
                boolean truncated = false;
                while (rs.next()) {
                    if (rows.size() == cap) {
                        truncated = true;
                        break;
                    }
                    Object[] row = new Object[columns.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = jsonValue(rs.getObject(i + 1));
                    }
                    rows.add(Collections.unmodifiableList(Arrays.asList(row)));
                }
                return new QueryResult(List.copyOf(columns), Collections.unmodifiableList(rows), truncated, millisSince(start));
            }
        } catch (SQLTimeoutException e) {
            throw new QueryTimeoutException(timeout);
        } catch (SQLException e) {
            // rows stream while they are read, so the driver's timeout may also strike during a fetch,
            // where it surfaces as a plain error of the interrupted result
            if (millisSince(start) >= timeout * 1000L) {
                throw new QueryTimeoutException(timeout);
            }
            throw new QueryFailedException(e.getMessage() == null ? "The query failed" : e.getMessage().strip(), e);
        }
    }

    /** A value JSON-B writes faithfully: see {@link QueryResult} for the mapping. */
    static Object jsonValue(Object value) throws SQLException {
        return switch (value) {
            case null -> null;
            case Boolean b -> b;
            case Byte b -> b;
            case Short s -> s;
            case Integer i -> i;
            case Long l -> l;
            case BigInteger b -> b;
            case BigDecimal d -> d;
            case Float f -> Float.isFinite(f) ? f : f.toString();
            case Double d -> Double.isFinite(d) ? d : d.toString();
            case String s -> s;
            case LocalDate d -> d.toString();
            case LocalDateTime t -> DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t);
            case OffsetDateTime t -> DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(t);
            case LocalTime t -> DateTimeFormatter.ISO_LOCAL_TIME.format(t);
            case OffsetTime t -> DateTimeFormatter.ISO_OFFSET_TIME.format(t);
            case java.sql.Timestamp t -> DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(t.toLocalDateTime());
            case java.sql.Date d -> d.toLocalDate().toString();
            case java.sql.Time t -> DateTimeFormatter.ISO_LOCAL_TIME.format(t.toLocalTime());
            case byte[] bytes -> Base64.getEncoder().encodeToString(bytes);
            case Blob blob -> Base64.getEncoder().encodeToString(blob.getBytes(1, (int) Math.min(blob.length(), Integer.MAX_VALUE)));
            case Array array -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (Object[]) array.getArray()) {
                    items.add(jsonValue(item));
                }
                yield Collections.unmodifiableList(items);
            }
            default -> value.toString();
        };
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
