package io.agnes.web;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * At undeploy, points the context class loader of the server's long-lived threads that still carry this
 * application's class loader back at the loader's parent. A thread inherits its creator's context class loader, so a
 * server thread started lazily while Agnes was deploying or serving (Payara's log file writer {@code GFFileHandler},
 * the web container's {@code ContainerBackgroundProcessor}) keeps this version's class loader, and with it all its
 * classes, reachable for as long as the server runs. The threads are the server's and go on working; only the
 * reference goes.
 *
 * <p>A thread the server sets to this loader for a moment (while it works on this application) and restores
 * afterwards is not disturbed: by the time the context is destroyed, the server no longer works on it.
 */
@WebListener
public class ContextClassLoaderRelease implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(ContextClassLoaderRelease.class.getName());

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ClassLoader ours = ContextClassLoaderRelease.class.getClassLoader();
        try {
            List<String> released = release(ours, Thread.currentThread());
            if (!released.isEmpty()) {
                LOG.fine(() -> "Context class loader of server threads set back to the server's: " + released);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not release server threads' context class loader", e);
        }
    }

    /**
     * Sets every live thread's context class loader that is {@code ours} (or a loader below it, such as a JSP's) to
     * {@code ours}' parent, except {@code caller}'s (the server restores it when the undeploy ends).
     *
     * @return the names of the threads changed
     */
    static List<String> release(ClassLoader ours, Thread caller) {
        List<String> released = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread != caller && ClassLoaders.within(thread.getContextClassLoader(), ours)) {
                thread.setContextClassLoader(ours.getParent());
                released.add(thread.getName());
            }
        }
        return released;
    }
}
