package io.agnes.web;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.lang.reflect.Field;
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
 * <p>When H2 is the server's (Payara bundles it, and its class loaders ask the server first), it also points the
 * context class loader of H2's JVM-wide shutdown-hook {@code Thread} back at the server's. H2 creates that thread
 * once, when the class initialises (at the first database close, even with {@code DB_CLOSE_ON_EXIT=FALSE}), on
 * whatever thread closes a database first, and a thread inherits its creator's context class loader: created while
 * Agnes deployed, it pinned that version of Agnes for as long as the server ran (found by a heap dump after redeploys).
 */
@WebListener
public class JdbcDriverRelease implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(JdbcDriverRelease.class.getName());
    /** H2 2.x: a static {@code Thread} registered as a JVM shutdown hook to close databases. */
    private static final String H2_SHUTDOWN_HOOK = "org.h2.engine.OnExitDatabaseCloser";

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ClassLoader ours = JdbcDriverRelease.class.getClassLoader();
        releaseH2ShutdownHook(ours);
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

    private static void releaseH2ShutdownHook(ClassLoader ours) {
        try {
            ClassLoader h2 = org.h2.Driver.class.getClassLoader();
            if (ClassLoaders.within(h2, ours)) {
                return; // H2 from this WAR goes away with it
            }
            Field instance = Class.forName(H2_SHUTDOWN_HOOK, false, h2).getDeclaredField("INSTANCE");
            instance.setAccessible(true);
            if (instance.get(null) instanceof Thread hook && ClassLoaders.within(hook.getContextClassLoader(), ours)) {
                hook.setContextClassLoader(ours.getParent());
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // another H2 version: nothing known to release
            LOG.log(Level.FINE, "H2's shutdown hook not released", e);
        }
    }
}
