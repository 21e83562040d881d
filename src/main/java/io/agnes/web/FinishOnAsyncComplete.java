package io.agnes.web;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Ends a rewritten body (a gzip trailer, held snippet bytes) when an asynchronous request's AsyncContext
 * completes, on the completing thread — not when the filter's doFilter returns, which is long before.
 */
public record FinishOnAsyncComplete(Body body, String what) implements AsyncListener {

    private static final Logger LOG = Logger.getLogger(FinishOnAsyncComplete.class.getName());

    /** A response body that still has bytes to write at the end. */
    public interface Body {
        void finish() throws IOException;
    }

    @Override
    public void onComplete(AsyncEvent event) {
        try {
            body.finish();
        } catch (IOException clientGone) {
            // nobody is left to tell: the client went away while the last bytes were written
            LOG.log(Level.FINE, what + " of an async response could not be finished", clientGone);
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        // the application's listeners or the container's error dispatch answer; onComplete follows
    }

    @Override
    public void onError(AsyncEvent event) {
        // as for a timeout: onComplete follows
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // a new async cycle (startAsync at an ASYNC dispatch) keeps only the listeners that re-register
        event.getAsyncContext().addListener(this);
    }
}
