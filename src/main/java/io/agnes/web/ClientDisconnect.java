package io.agnes.web;

import java.io.IOException;
import java.util.Locale;

/**
 * Recognises the failure of writing to a client that went away (closed the tab, timed out, a load balancer's
 * health check hung up): not an error of Agnes, nothing anyone can fix, and on a busy server frequent. Reported as
 * an unhandled error it would fill the log with stack traces and PostHog with {@code $exception}s.
 */
public final class ClientDisconnect {

    private ClientDisconnect() {
    }

    /** Whether {@code error}, or one of its causes, is an I/O failure because the client's connection is gone. */
    public static boolean caused(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause() == t ? null : t.getCause(), depth++) {
            if (t instanceof IOException && isDisconnect(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDisconnect(Throwable io) {
        String type = io.getClass().getSimpleName();
        // Catalina/Payara (ClientAbortException), Grizzly and Jetty (EofException) name it; the JDK only says it
        if (type.equals("ClientAbortException") || type.equals("EofException")) {
            return true;
        }
        String message = io.getMessage() == null ? "" : io.getMessage().toLowerCase(Locale.ROOT);
        return message.contains("broken pipe") || message.contains("connection reset by peer")
                || message.contains("connection was aborted") || message.contains("connection reset");
    }
}
