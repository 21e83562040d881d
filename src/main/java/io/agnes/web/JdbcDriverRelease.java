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
 */
@WebListener
public class JdbcDriverRelease implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(JdbcDriverRelease.class.getName());

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
