package io.agnes.web;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Collections;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At undeploy, takes the JDBC drivers loaded from this WAR (PostgreSQL, H2, and DuckDB unless it is a server
 * library) out of the JVM-wide {@link DriverManager}. A driver registers itself there when its class loads; left registered, the registry holds
 * the driver, its class and so this application's class loader for as long as the server runs (Payara notices and
 * unregisters them itself, with a memory-leak warning per driver, on every redeploy).
 *
 * <p>At start, when H2 is the server's (Payara bundles it, and its class loaders ask the server first), it also
 * initialises H2's JVM-wide shutdown-hook holder under the server's class loader: H2 creates that {@code Thread}
 * once, when the class initialises (at the first database close, even with {@code DB_CLOSE_ON_EXIT=FALSE}), and
 * a thread inherits the context class loader of its creator, so created during Agnes' undeploy it would pin that
 * version of Agnes for as long as the server runs (found by a heap dump after a redeploy).
 */
@WebListener
public class JdbcDriverRelease implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(JdbcDriverRelease.class.getName());
    /** H2 2.x: a static {@code Thread} registered as a JVM shutdown hook to close databases. */
    private static final String H2_SHUTDOWN_HOOK = "org.h2.engine.OnExitDatabaseCloser";

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ClassLoader h2 = org.h2.Driver.class.getClassLoader();
        if (ClassLoaders.within(h2, JdbcDriverRelease.class.getClassLoader())) {
            return; // H2 from this WAR goes away with it
        }
        Thread current = Thread.currentThread();
        ClassLoader context = current.getContextClassLoader();
        current.setContextClassLoader(h2);
        try {
            Class.forName(H2_SHUTDOWN_HOOK, true, h2);
        } catch (ClassNotFoundException | LinkageError e) {
            LOG.log(Level.FINE, "H2 without " + H2_SHUTDOWN_HOOK, e); // another H2 version: nothing to do
        } finally {
            current.setContextClassLoader(context);
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ClassLoader ours = JdbcDriverRelease.class.getClassLoader();
        for (Driver driver : Collections.list(DriverManager.getDrivers())) {
            if (ClassLoaders.within(driver.getClass().getClassLoader(), ours)) {
                try {
                    DriverManager.deregisterDriver(driver);
                } catch (SQLException | SecurityException e) {
                    LOG.log(Level.WARNING, "Could not unregister the JDBC driver " + driver.getClass().getName(), e);
                }
            }
        }
    }
}
