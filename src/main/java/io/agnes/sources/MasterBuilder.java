package io.agnes.sources;

import static io.agnes.sources.SourceExtractor.quoteIdentifier;
import static io.agnes.sources.SourceExtractor.quoteLiteral;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Builds a master analytics database: one view per table over the ATTACHed source extracts, plus a
 * small {@code _agnes} schema that tells readers which extracts to attach and how many rows each
 * table had. The master holds no data itself, so building one takes milliseconds.
 *
 * <p>A view is named exactly like its table ({@code orders}); table names are unique across
 * sources (the sources file is validated for it), so users never need to qualify them.
 */
final class MasterBuilder {

    private static final Logger LOG = Logger.getLogger(MasterBuilder.class.getName());

    /** Which extracts a reader must attach, relative to the master's directory. */
    static final String SOURCES_TABLE = "_agnes.sources";
    static final String TABLES_TABLE = "_agnes.tables";

    /** One table as built into a master. */
    record BuiltTable(String name, String source, long rows) {
    }

    /**
     * Writes a new master at {@code master} from {@code extracts} (source name → extract file, in the
     * order of the sources file). A table name already taken by an earlier source is skipped with a
     * warning (possible only with an old extract of a source whose declaration changed since).
     */
    List<BuiltTable> build(Path master, Map<String, Path> extracts) throws SQLException, IOException {
        Files.createDirectories(master.getParent());
        SourceExtractor.deleteDatabaseFile(master);
        List<BuiltTable> built = new ArrayList<>();
        boolean done = false;
        try (Connection duck = DuckDb.open(master);
             Statement statement = duck.createStatement()) {
            statement.execute("CREATE SCHEMA _agnes");
            statement.execute("CREATE TABLE " + SOURCES_TABLE + " (source VARCHAR PRIMARY KEY, extract VARCHAR NOT NULL)");
            statement.execute("CREATE TABLE " + TABLES_TABLE
                    + " (table_name VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, row_count BIGINT NOT NULL)");
            Map<String, String> owners = new HashMap<>();
            for (Map.Entry<String, Path> extract : extracts.entrySet()) {
                String source = extract.getKey();
                String relative = master.getParent().relativize(extract.getValue().toAbsolutePath()).toString();
                statement.execute("ATTACH " + quoteLiteral(extract.getValue().toAbsolutePath().toString()) + " AS "
                        + quoteIdentifier(source) + " (READ_ONLY)");
                try (PreparedStatement insert = duck.prepareStatement("INSERT INTO " + SOURCES_TABLE + " VALUES (?, ?)")) {
                    insert.setString(1, source);
                    insert.setString(2, relative);
                    insert.executeUpdate();
                }
                for (Map.Entry<String, Long> table : tables(duck, source).entrySet()) {
                    String owner = owners.putIfAbsent(table.getKey(), source);
                    if (owner != null) {
                        LOG.warning(() -> "Table " + table.getKey() + " of source " + source + " is skipped: source "
                                + owner + " already has a table with that name");
                        continue;
                    }
                    statement.execute("CREATE VIEW main." + quoteIdentifier(table.getKey()) + " AS SELECT * FROM "
                            + quoteIdentifier(source) + ".main." + quoteIdentifier(table.getKey()));
                    try (PreparedStatement insert = duck.prepareStatement("INSERT INTO " + TABLES_TABLE + " VALUES (?, ?, ?)")) {
                        insert.setString(1, table.getKey());
                        insert.setString(2, source);
                        insert.setLong(3, table.getValue());
                        insert.executeUpdate();
                    }
                    built.add(new BuiltTable(table.getKey(), source, table.getValue()));
                }
            }
            for (String source : extracts.keySet()) {
                statement.execute("DETACH " + quoteIdentifier(source));
            }
            statement.execute("CHECKPOINT");
            done = true;
        } finally {
            if (!done) {
                SourceExtractor.deleteDatabaseFile(master);
            }
        }
        return built;
    }

    /** The tables of an attached extract with their row counts, in name order. */
    private static Map<String, Long> tables(Connection duck, String source) throws SQLException {
        Map<String, Long> tables = new LinkedHashMap<>();
        try (PreparedStatement list = duck.prepareStatement("SELECT table_name FROM duckdb_tables() "
                + "WHERE database_name = ? AND schema_name = 'main' ORDER BY table_name")) {
            list.setString(1, source);
            try (ResultSet rs = list.executeQuery()) {
                while (rs.next()) {
                    tables.put(rs.getString(1), 0L);
                }
            }
        }
        try (Statement statement = duck.createStatement()) {
            for (String table : tables.keySet()) {
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + quoteIdentifier(source) + ".main."
                        + quoteIdentifier(table))) {
                    rs.next();
                    tables.put(table, rs.getLong(1));
                }
            }
        }
        return tables;
    }
}
