package io.agnes.sources;

import io.agnes.web.ClassLoaders;
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
 * DuckDB's JDBC driver across redeploys. Its native library caches JNI global references to driver classes, and
 * the JVM unloads a native library only with the class loader that loaded it: loaded from this WAR's
 * {@code WEB-INF/lib}, DuckDB therefore keeps every undeployed version of Agnes in memory (~5 MB and ~2,500 classes
 * per redeploy). The cure is to make DuckDB a server library (Payara Micro {@code --addLibs target/server-lib}, as
 * {@code ./agnes run} does; {@code asadmin add-library} on a full Payara): the server's class loaders are asked
 * first, so Agnes then uses the server's copy and leaves nothing of its own in it. At start this says which copy
 * is in use.
 *
 * <p>At undeploy, when the copy is the WAR's, it ends the thread the driver keeps for the whole JVM: a static
 * scheduler ({@code duckdb-query-cancel-scheduler-thread}) that enforces statement timeouts, started by the first
 * query with a timeout (every analyst query has one). The server's copy is left alone: its scheduler is shared with
 * the next deployment and cannot be restarted. Not in {@link AnalyticsDatabase#close()} for the same reason.
 */
@WebListener
public class DuckDbRelease implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(DuckDbRelease.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        try {
            if (fromThisApplication()) {
                LOG.info("DuckDB is loaded from the WAR (WEB-INF/lib): every redeploy in this server keeps the "
                        + "previous version of Agnes in memory. Add duckdb_jdbc as a server library to avoid it "
                        + "(Payara Micro: --addLibs; docs/sources.md, \"DuckDB as a server library\").");
            } else {
                LOG.fine("DuckDB is a server library");
            }
        } catch (LinkageError e) {
            LOG.log(Level.WARNING, "DuckDB's JDBC driver cannot be loaded", e);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        try {
            if (!fromThisApplication()) {
                return;
            }
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

    private static boolean fromThisApplication() {
        return ClassLoaders.within(DuckDBDriver.class.getClassLoader(), DuckDbRelease.class.getClassLoader());
    }
}
