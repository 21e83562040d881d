package io.agnes.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ContextClassLoaderReleaseTest {

    private final ClassLoader server = getClass().getClassLoader();
    private final URLClassLoader application = new URLClassLoader("application", new URL[0], server);
    private final URLClassLoader jsp = new URLClassLoader("jsp", new URL[0], application);
    private final URLClassLoader otherApplication = new URLClassLoader("other", new URL[0], server);
    private final CountDownLatch end = new CountDownLatch(1);

    @Test
    void serverThreadsCarryingTheApplicationsLoaderGetTheServersBackAndOthersAreLeftAlone() throws Exception {
        Thread logWriter = parked("log-writer", application);
        Thread background = parked("background", jsp);
        Thread otherAppsThread = parked("other-app", otherApplication);
        Thread caller = parked("undeploying", application);
        try {
            List<String> released = ContextClassLoaderRelease.release(application, caller);

            assertEquals(List.of("background", "log-writer"), released.stream().sorted().toList());
            assertSame(server, logWriter.getContextClassLoader());
            assertSame(server, background.getContextClassLoader());
            assertSame(otherApplication, otherAppsThread.getContextClassLoader());
            assertSame(application, caller.getContextClassLoader(), "the server restores its own thread");
            assertTrue(logWriter.isAlive() && background.isAlive(), "the server's threads go on");
        } finally {
            end.countDown();
        }
    }

    @Test
    void withinMeansTheLoaderOrOneBelowIt() {
        assertTrue(ClassLoaders.within(jsp, application));
        assertTrue(ClassLoaders.within(application, application));
        assertFalse(ClassLoaders.within(server, application));
        assertFalse(ClassLoaders.within(otherApplication, application));
        assertFalse(ClassLoaders.within(null, application));
    }

    private Thread parked(String name, ClassLoader contextLoader) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            started.countDown();
            try {
                end.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.setContextClassLoader(contextLoader);
        thread.setDaemon(true);
        thread.start();
        started.await();
        return thread;
    }
}
