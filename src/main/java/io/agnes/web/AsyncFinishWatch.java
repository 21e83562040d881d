package io.agnes.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request a body-rewriting filter passes on. It registers the filter's finishing listener the moment the
 * application starts async, before the AsyncContext is in its hands: no completion on another thread can come
 * first, and a {@code dispatch()} or {@code complete()} called during this dispatch (both deferred by the container
 * until it returns) still ends in {@code onComplete}.
 *
 * <p>With a body end ({@code endOnComplete}), the application gets a context whose {@code complete()} ends the body first: listeners
 * run in the order they were added, and an outer filter's (added before, as the GZIP filter's is for the snippet
 * injector) would otherwise close its stream before the inner body's last bytes reach it.
 */
public final class AsyncFinishWatch extends HttpServletRequestWrapper {

    private static final Logger LOG = Logger.getLogger(AsyncFinishWatch.class.getName());

    private final FinishOnAsyncComplete finisher;
    private final FinishOnAsyncComplete.Body endOnComplete;
    private boolean startedAsync;
    private EndingAsyncContext context;

    /** @param endOnComplete ends the body when the application calls complete(), or null: the listener does */
    public AsyncFinishWatch(HttpServletRequest request, FinishOnAsyncComplete finisher,
            FinishOnAsyncComplete.Body endOnComplete) {
        super(request);
        this.finisher = finisher;
        this.endOnComplete = endOnComplete;
    }

    @Override
    public AsyncContext startAsync() {
        return watch(super.startAsync());
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return watch(super.startAsync(request, response));
    }

    @Override
    public AsyncContext getAsyncContext() {
        AsyncContext current = super.getAsyncContext();
        return context != null && context.delegate == current ? context : current;
    }

    private AsyncContext watch(AsyncContext started) {
        if (!startedAsync) {
            startedAsync = true;
            started.addListener(finisher);
        }
        if (endOnComplete == null) {
            return started;
        }
        context = new EndingAsyncContext(started, endOnComplete, finisher.what());
        return context;
    }

    /** Whether the application started async through this request: its body then ends with the async context. */
    public boolean startedAsync() {
        return startedAsync;
    }

    /** The application's AsyncContext: everything delegated, and complete() ends the body before completing. */
    private record EndingAsyncContext(AsyncContext delegate, FinishOnAsyncComplete.Body body, String what)
            implements AsyncContext {

        @Override
        public void complete() {
            try {
                body.finish();
            } catch (IOException clientGone) {
                LOG.log(Level.FINE, what + " of an async response could not be ended", clientGone);
            }
            delegate.complete();
        }

        @Override
        public ServletRequest getRequest() {
            return delegate.getRequest();
        }

        @Override
        public ServletResponse getResponse() {
            return delegate.getResponse();
        }

        @Override
        public boolean hasOriginalRequestAndResponse() {
            return delegate.hasOriginalRequestAndResponse();
        }

        @Override
        public void dispatch() {
            delegate.dispatch();
        }

        @Override
        public void dispatch(String path) {
            delegate.dispatch(path);
        }

        @Override
        public void dispatch(ServletContext context, String path) {
            delegate.dispatch(context, path);
        }

        @Override
        public void start(Runnable run) {
            delegate.start(run);
        }

        @Override
        public void addListener(AsyncListener listener) {
            delegate.addListener(listener);
        }

        @Override
        public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
            delegate.addListener(listener, request, response);
        }

        @Override
        public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
            return delegate.createListener(type);
        }

        @Override
        public void setTimeout(long timeout) {
            delegate.setTimeout(timeout);
        }

        @Override
        public long getTimeout() {
            return delegate.getTimeout();
        }
    }
}
