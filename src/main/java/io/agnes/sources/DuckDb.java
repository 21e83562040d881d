package io.agnes.sources;

import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBDriver;

/**
 * Opens DuckDB files through the driver class itself: inside Payara, {@code DriverManager} does not find a
 * driver packaged in the WAR from threads whose context class loader is not the application's (the managed
 * executor that runs syncs).
 */
final class DuckDb {

    private static final DuckDBDriver DRIVER = new DuckDBDriver();

    private DuckDb() {
    }

    static DuckDBConnection open(Path file) throws SQLException {
        return open(file, new Properties());
    }

    static DuckDBConnection open(Path file, Properties properties) throws SQLException {
        return DRIVER.connect("jdbc:duckdb:" + file, properties).unwrap(DuckDBConnection.class);
    }
}
