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
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The request a body-rewriting filter passes on. It registers the filter's finishing listener the moment the
 * application starts async, before the AsyncContext is in its hands: no completion on another thread can come
 * first, and a {@code dispatch()} or {@code complete()} called during this dispatch (both deferred by the container
 * until it returns) still ends in {@code onComplete}.
 *
 * <p>A body end ({@code endOnComplete}) gives the application a context whose {@code complete()} ends that body
 * first: listeners run in the order they were added, and an outer filter's (added before, as the GZIP filter's is
 * for the snippet injector) would otherwise close its stream before the inner body's last bytes reach it.
 *
 * <p>A filter further in joins the watch it is handed ({@link #join}) instead of wrapping the request again: every
 * layer of request wrapper is paid by every request method call of everything after it, on every request, and the
 * snippet injector sits right behind the GZIP filter. Joined, the watch adds the listeners outer filter first and
 * ends the bodies innermost first, as two nested watches did.
 */
public final class AsyncFinishWatch extends HttpServletRequestWrapper {

    private static final Logger LOG = Logger.getLogger(AsyncFinishWatch.class.getName());

    /** The filters watching, outermost first: their listeners, and the bodies to end before complete(). */
    private final List<FinishOnAsyncComplete> finishers = new ArrayList<>(2);
    private final List<FinishOnAsyncComplete.Body> endOnComplete = new ArrayList<>(2);
    private boolean startedAsync;
    private EndingAsyncContext context;

    /** @param endOnComplete ends the body when the application calls complete(), or null: the listener does */
    public AsyncFinishWatch(HttpServletRequest request, FinishOnAsyncComplete finisher,
            FinishOnAsyncComplete.Body endOnComplete) {
        super(request);
        add(finisher, endOnComplete);
    }

    /**
     * The watch for a filter further in: the one it was handed, joined, when that is a watch the application has not
     * started async through yet; else a new one around {@code request}.
     *
     * @param endOnComplete as for the constructor
     */
    public static AsyncFinishWatch join(HttpServletRequest request, FinishOnAsyncComplete finisher,
            FinishOnAsyncComplete.Body endOnComplete) {
        if (request instanceof AsyncFinishWatch outer && !outer.startedAsync) {
            outer.add(finisher, endOnComplete);
            return outer;
        }
        return new AsyncFinishWatch(request, finisher, endOnComplete);
    }

    private void add(FinishOnAsyncComplete finisher, FinishOnAsyncComplete.Body body) {
        finishers.add(finisher);
        if (body != null) {
            endOnComplete.add(body);
        }
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
            finishers.forEach(started::addListener);
        }
        if (endOnComplete.isEmpty()) {
            return started;
        }
        context = new EndingAsyncContext(started, endOnComplete.reversed());
        return context;
    }

    /** Whether the application started async through this request: its body then ends with the async context. */
    public boolean startedAsync() {
        return startedAsync;
    }

    /** The application's AsyncContext: everything delegated, and complete() ends the bodies, innermost first, before completing. */
    private record EndingAsyncContext(AsyncContext delegate, List<FinishOnAsyncComplete.Body> bodies)
            implements AsyncContext {

        @Override
        public void complete() {
            for (FinishOnAsyncComplete.Body body : bodies) {
                try {
                    body.finish();
                } catch (IOException clientGone) {
                    LOG.log(Level.FINE, "a rewritten body of an async response could not be ended", clientGone);
                }
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
