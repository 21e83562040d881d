package io.agnes.sources;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Function;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Copies the tables of one source into its own DuckDB file. The file is written under a temporary
 * name and renamed over the previous extract only when every table was read, so a failing source
 * leaves its last good extract untouched.
 */
final class SourceExtractor {

    private static final Duration HTTP_CONNECT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration HTTP_DOWNLOAD_TIMEOUT = Duration.ofMinutes(10);

    private final Function<String, Optional<String>> environment;
    private final HttpClient http;

    /** @param environment looks up the environment variables named by {@code user_env} / {@code password_env} */
    SourceExtractor(Function<String, Optional<String>> environment) {
        this.environment = environment;
        this.http = HttpClient.newBuilder().connectTimeout(HTTP_CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** Thrown with a message fit for an operator: which table, and what went wrong. */
    static final class ExtractFailed extends Exception {
        ExtractFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Extracts every table of {@code source} into {@code target} (replaced only on success).
     *
     * @return rows per table, in declaration order
     */
    Map<String, Long> extract(Source source, Path target) throws ExtractFailed {
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        try {
            Files.createDirectories(target.getParent());
            deleteDatabaseFile(temp);
        } catch (IOException e) {
            throw new ExtractFailed("cannot prepare " + temp + ": " + e.getMessage(), e);
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        try {
            try (Connection duck = DuckDb.open(temp)) {
                if (source.kind() == Source.Kind.CSV) {
                    for (SourceTable table : source.tables()) {
                        rows.put(table.name(), extractCsv(duck, table, target.getParent()));
                    }
                } else {
                    extractJdbc(duck.unwrap(DuckDBConnection.class), source, rows);
                }
                try (Statement statement = duck.createStatement()) {
                    // everything into the main file before the rename: no WAL may be left behind
                    statement.execute("CHECKPOINT");
                }
            } catch (SQLException e) {
                throw new ExtractFailed(firstLine(e.getMessage()), e);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return rows;
        } catch (IOException e) {
            throw new ExtractFailed("cannot write the extract " + target + ": " + e.getMessage(), e);
        } finally {
            try {
                deleteDatabaseFile(temp);
            } catch (IOException e) {
                // a leftover temp file is deleted before the next extraction of this source
            }
        }
    }

    private long extractCsv(Connection duck, SourceTable table, Path workDir) throws ExtractFailed, IOException {
        Path download = table.url() == null ? null : workDir.resolve("download-" + table.name() + ".csv.tmp");
        try {
            Path file = table.file();
            if (download != null) {
                download(table, download);
                file = download;
            } else if (!Files.isRegularFile(file)) {
                throw new ExtractFailed("table \"" + table.name() + "\": file not found: " + file, null);
            }
            try (Statement statement = duck.createStatement()) {
                statement.execute("CREATE TABLE " + quoteIdentifier(table.name()) + " AS SELECT * FROM read_csv_auto("
                        + quoteLiteral(file.toAbsolutePath().toString()) + ")");
                return count(statement, table.name());
            } catch (SQLException e) {
                throw new ExtractFailed("table \"" + table.name() + "\": cannot read CSV " + table.location() + ": "
                        + firstLine(e.getMessage()), e);
            }
        } finally {
            if (download != null) {
                Files.deleteIfExists(download);
            }
        }
    }

    /** Downloads over Java's HTTP client: DuckDB's own http support needs an extension fetched from the internet. */
    private void download(SourceTable table, Path to) throws ExtractFailed {
        HttpRequest request = HttpRequest.newBuilder(table.url()).timeout(HTTP_DOWNLOAD_TIMEOUT).GET().build();
        try {
            HttpResponse<Path> response = http.send(request, HttpResponse.BodyHandlers.ofFile(to));
            if (response.statusCode() != 200) {
                throw new ExtractFailed("table \"" + table.name() + "\": HTTP " + response.statusCode() + " from "
                        + table.location(), null);
            }
        } catch (IOException e) {
            throw new ExtractFailed("table \"" + table.name() + "\": cannot download " + table.location() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExtractFailed("table \"" + table.name() + "\": download interrupted", e);
        }
    }

    private void extractJdbc(DuckDBConnection duck, Source source, Map<String, Long> rows) throws ExtractFailed {
        Properties credentials = new Properties();
        putFromEnvironment(credentials, "user", source.userEnv(), "user_env");
        putFromEnvironment(credentials, "password", source.passwordEnv(), "password_env");
        try (Connection remote = connect(source.jdbcUrl(), credentials)) {
            try {
                // PostgreSQL streams rows by the fetch size only inside a transaction; otherwise it buffers the whole result
                remote.setAutoCommit(false);
                remote.setReadOnly(true);
            } catch (SQLException e) {
                // a driver without these keeps its defaults: the copy still works, only less economically
            }
            for (SourceTable table : source.tables()) {
                try {
                    rows.put(table.name(), copyQuery(remote, duck, table));
                } catch (SQLException e) {
                    throw new ExtractFailed("table \"" + table.name() + "\": " + firstLine(e.getMessage()), e);
                }
            }
        } catch (SQLException e) {
            throw new ExtractFailed("cannot connect to " + redactUrl(source.jdbcUrl()) + ": " + firstLine(e.getMessage()), e);
        }
    }

    private void putFromEnvironment(Properties properties, String key, String variable, String field) throws ExtractFailed {
        if (variable == null) {
            return;
        }
        String value = environment.apply(variable).orElse(null);
        if (value == null) {
            throw new ExtractFailed("environment variable " + variable + " (named by " + field + ") is not set", null);
        }
        properties.setProperty(key, value);
    }

    /**
     * Finds the driver through this application's class loader: {@link DriverManager} alone does not
     * see drivers packaged in a WAR on every server.
     */
    private static Connection connect(String url, Properties properties) throws SQLException {
        try {
            for (Driver driver : ServiceLoader.load(Driver.class, SourceExtractor.class.getClassLoader())) {
                if (driver.acceptsURL(url)) {
                    Connection connection = driver.connect(url, properties);
                    if (connection != null) {
                        return connection;
                    }
                }
            }
        } catch (ServiceConfigurationError e) {
            // a broken driver on the class path: let DriverManager try the others
        }
        return DriverManager.getConnection(url, properties);
    }

    private long copyQuery(Connection remote, DuckDBConnection duck, SourceTable table) throws SQLException, ExtractFailed {
        try (Statement statement = remote.createStatement()) {
            statement.setFetchSize(1000);
            try (ResultSet rs = statement.executeQuery(table.query())) {
                List<ColumnCopy> columns = columns(rs.getMetaData());
                try (Statement ddl = duck.createStatement()) {
                    StringBuilder create = new StringBuilder("CREATE TABLE ").append(quoteIdentifier(table.name())).append(" (");
                    for (int i = 0; i < columns.size(); i++) {
                        create.append(i == 0 ? "" : ", ").append(quoteIdentifier(columns.get(i).name)).append(' ')
                                .append(columns.get(i).duckType);
                    }
                    ddl.execute(create.append(')').toString());
                }
                long count = 0;
                try (DuckDBAppender appender = duck.createAppender("main", table.name())) {
                    while (rs.next()) {
                        appender.beginRow();
                        for (int i = 0; i < columns.size(); i++) {
                            columns.get(i).append(rs, i + 1, appender);
                        }
                        appender.endRow();
                        count++;
                    }
                }
                return count;
            }
        }
    }

    private static List<ColumnCopy> columns(ResultSetMetaData meta) throws SQLException, ExtractFailed {
        List<ColumnCopy> columns = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            String base = meta.getColumnLabel(i);
            if (base == null || base.isBlank()) {
                base = "column" + i;
            }
            String name = base;
            for (int n = 2; !used.add(name.toLowerCase(java.util.Locale.ROOT)); n++) {
                name = base + "_" + n;
            }
            columns.add(ColumnCopy.of(name, meta.getColumnType(i), meta.getPrecision(i), meta.getScale(i)));
        }
        return columns;
    }

    /** How one JDBC column is stored in DuckDB; types without a faithful mapping are kept as text. */
    private record ColumnCopy(String name, String duckType, int jdbcKind) {

        static ColumnCopy of(String name, int type, int precision, int scale) {
            String duckType = switch (type) {
                case Types.BOOLEAN, Types.BIT -> "BOOLEAN";
                case Types.TINYINT, Types.SMALLINT -> "SMALLINT";
                case Types.INTEGER -> "INTEGER";
                case Types.BIGINT -> "BIGINT";
                case Types.REAL -> "FLOAT";
                case Types.FLOAT, Types.DOUBLE -> "DOUBLE";
                // DuckDB decimals hold at most 38 digits; an unbounded NUMERIC becomes DOUBLE
                case Types.NUMERIC, Types.DECIMAL -> precision > 0 && precision <= 38 && scale >= 0 && scale <= precision
                        ? "DECIMAL(" + precision + "," + scale + ")" : "DOUBLE";
                case Types.DATE -> "DATE";
                case Types.TIME -> "TIME";
                case Types.TIMESTAMP -> "TIMESTAMP";
                case Types.TIMESTAMP_WITH_TIMEZONE -> "TIMESTAMPTZ";
                case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> "BLOB";
                default -> "VARCHAR";
            };
            return new ColumnCopy(name, duckType, type);
        }

        void append(ResultSet rs, int index, DuckDBAppender appender) throws SQLException {
            switch (duckType) {
                case "BOOLEAN" -> {
                    boolean value = rs.getBoolean(index);
                    if (rs.wasNull()) appender.appendNull(); else appender.append(value);
                }
                case "SMALLINT" -> {
                    short value = rs.getShort(index);
                    if (rs.wasNull()) appender.appendNull(); else appender.append(value);
                }
                case "INTEGER" -> {
                    int value = rs.getInt(index);
                    if (rs.wasNull()) appender.appendNull(); else appender.append(value);
                }
                case "BIGINT" -> {
                    long value = rs.getLong(index);
                    if (rs.wasNull()) appender.appendNull(); else appender.append(value);
                }
                case "FLOAT" -> {
                    float value = rs.getFloat(index);
                    if (rs.wasNull()) appender.appendNull(); else appender.append(value);
                }
                case "DOUBLE" -> {
                    double value = rs.getDouble(index);
                    if (rs.wasNull()) appender.appendNull(); else appender.append(value);
                }
                case "DATE" -> appendOrNull(appender, rs.getObject(index, LocalDate.class));
                case "TIME" -> appendOrNull(appender, rs.getObject(index, LocalTime.class));
                case "TIMESTAMP" -> appendOrNull(appender, rs.getObject(index, LocalDateTime.class));
                case "TIMESTAMPTZ" -> appendOrNull(appender, rs.getObject(index, OffsetDateTime.class));
                case "BLOB" -> {
                    byte[] value = rs.getBytes(index);
                    if (value == null) appender.appendNull(); else appender.append(value);
                }
                default -> {
                    if (duckType.startsWith("DECIMAL")) {
                        BigDecimal value = rs.getBigDecimal(index);
                        if (value == null) appender.appendNull(); else appender.append(value);
                    } else {
                        String value = rs.getString(index);
                        if (value == null) appender.appendNull(); else appender.append(value);
                    }
                }
            }
        }

        private static void appendOrNull(DuckDBAppender appender, Object value) throws SQLException {
            switch (value) {
                case null -> appender.appendNull();
                case LocalDate v -> appender.append(v);
                case LocalTime v -> appender.append(v);
                case LocalDateTime v -> appender.append(v);
                case OffsetDateTime v -> appender.append(v);
                default -> appender.append(value.toString());
            }
        }
    }

    private static long count(Statement statement, String table) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + quoteIdentifier(table))) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void deleteDatabaseFile(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".wal"));
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String quoteLiteral(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** A JDBC URL without credentials that may be embedded in it, for messages and logs. */
    static String redactUrl(String url) {
        return url.replaceAll("(?i)(password|pwd)=[^;&]*", "$1=***").replaceAll("//[^/@]*@", "//***@");
    }
}
