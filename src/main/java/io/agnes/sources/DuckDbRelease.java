package io.agnes.sources;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.duckdb.DuckDBDriver;

/**
 * At undeploy, ends the thread DuckDB's JDBC driver keeps for the whole JVM: a static scheduler
 * ({@code duckdb-query-cancel-scheduler-thread}) that enforces statement timeouts, started by the first query with a
 * timeout (every analyst query has one). Nothing else stops it, and as a thread of a class of this WAR it would keep
 * the application's class loader, and the DuckDB native library loaded by it, alive after every redeploy. Not in
 * {@link AnalyticsDatabase#close()}: the scheduler is JVM-wide and cannot be restarted, so only the end of the
 * application may stop it.
 */
@WebListener
public class DuckDbRelease implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(DuckDbRelease.class.getName());

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        try {
            DuckDBDriver.shutdownQueryCancelScheduler();
            // the call above may be the first use of the driver class, whose loading registers it again; listeners
            // run in no defined order, so JdbcDriverRelease may already be done
            for (Driver driver : Collections.list(DriverManager.getDrivers())) {
                if (driver instanceof DuckDBDriver) {
                    DriverManager.deregisterDriver(driver);
                }
            }
        } catch (RuntimeException | LinkageError | SQLException e) {
            LOG.log(Level.WARNING, "Could not stop DuckDB's query-cancel scheduler", e);
        }
    }
}
