package io.agnes.llm;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.internal.concurrent.TaskRunner;

/**
 * At undeploy, closes the LLM provider's HTTP client and then ends OkHttp's JVM-wide task threads
 * ({@code OkHttp TaskRunner}, connection-pool housekeeping). The SDKs' {@code close()} empties the pool but leaves
 * those threads idling for 60 s, and since OkHttp is this WAR's own copy they keep the application's class loader
 * alive meanwhile. The provider is closed first because closing it still schedules work on those threads; its
 * {@code @PreDestroy} afterwards finds nothing left to close. Not in {@link LlmCallAttempt#close()}: the task runner
 * is JVM-wide (per class loader) and cannot be restarted, so only the end of the application may stop it.
 *
 * <p>Okio's {@code Okio Watchdog} thread (socket timeouts) cannot be stopped from outside; it ends by itself at most
 * 60 s after the last LLM call, releasing the class loader then (see docs/performance.md, "Redeploys and stop").
 */
@WebListener
public class OkHttpRelease implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(OkHttpRelease.class.getName());

    @Inject
    LlmCallAttempt llm;

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        try {
            llm.close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Could not close the LLM provider's HTTP client", e);
        }
        try {
            if (TaskRunner.INSTANCE.getBackend() instanceof TaskRunner.RealBackend backend) {
                backend.shutdown();
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Could not stop OkHttp's task threads", e);
        }
    }
}
