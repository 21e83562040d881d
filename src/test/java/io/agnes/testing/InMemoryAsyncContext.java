package io.agnes.testing;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link AsyncContext} of an {@link InMemoryRequest}. {@link #complete()} during a dispatch is deferred until
 * the dispatch returns (as the spec requires); otherwise it fires {@code onComplete} on every listener, in the
 * order they were added, and then ends the container response ({@link InMemoryResponse#complete()}).
 * {@link #dispatch()} only records the target: the test runs the ASYNC dispatch itself with
 * {@link InMemoryRequest#dispatch}. {@link #start(Runnable)} runs the task at once on the calling thread, so tests
 * stay deterministic. Timeouts and errors happen only when a test calls {@link #fireTimeout()} or
 * {@link #fireError(Throwable)}; no error dispatch follows them.
 */
public class InMemoryAsyncContext implements AsyncContext {

    private enum State { STARTED, DISPATCHED, COMPLETE_REQUESTED, COMPLETED }

    private record Registration(AsyncListener listener, ServletRequest request, ServletResponse response) {
    }

    private final InMemoryRequest owner;
    private ServletRequest request;
    private ServletResponse response;
    private boolean original;
    private State state = State.STARTED;
    private List<Registration> listeners = new ArrayList<>();
    private long timeout = 30_000;
    private String dispatchedPath;

    InMemoryAsyncContext(InMemoryRequest owner, ServletRequest request, ServletResponse response, boolean original) {
        this.owner = owner;
        this.request = request;
        this.response = response;
        this.original = original;
    }

    /** A new cycle in an ASYNC dispatch: listeners hear onStartAsync and are kept only if they re-register. */
    void restart(ServletRequest request, ServletResponse response, boolean original) {
        this.request = request;
        this.response = response;
        this.original = original;
        this.state = State.STARTED;
        List<Registration> previous = listeners;
        listeners = new ArrayList<>();
        for (Registration registration : previous) {
            try {
                registration.listener().onStartAsync(new AsyncEvent(this, registration.request(), registration.response()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    boolean isStarted() {
        return state == State.STARTED;
    }

    boolean isCompleted() {
        return state == State.COMPLETED;
    }

    boolean completeRequested() {
        return state == State.COMPLETE_REQUESTED;
    }

    /** Where {@link #dispatch} sent the request: null for the original URI, or the path given. */
    public String dispatchedPath() {
        return dispatchedPath;
    }

    @Override
    public void complete() {
        if (state == State.COMPLETED || state == State.COMPLETE_REQUESTED) {
            throw new IllegalStateException("complete() was already called");
        }
        if (owner.isDispatching()) {
            state = State.COMPLETE_REQUESTED;
        } else {
            completeNow();
        }
    }

    void completeNow() {
        state = State.COMPLETED;
        fire(Kind.COMPLETE, null);
        owner.response().complete();
    }

    /** What the container does when the timeout expires: onTimeout on every listener. */
    public void fireTimeout() {
        fire(Kind.TIMEOUT, null);
    }

    /** What the container does when an I/O error ends the async operation: onError on every listener. */
    public void fireError(Throwable error) {
        fire(Kind.ERROR, error);
    }

    private enum Kind { COMPLETE, TIMEOUT, ERROR }

    private void fire(Kind kind, Throwable error) {
        for (Registration registration : List.copyOf(listeners)) {
            AsyncEvent event = new AsyncEvent(this, registration.request(), registration.response(), error);
            try {
                switch (kind) {
                    case COMPLETE -> registration.listener().onComplete(event);
                    case TIMEOUT -> registration.listener().onTimeout(event);
                    case ERROR -> registration.listener().onError(event);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void dispatch() {
        dispatch((String) null);
    }

    @Override
    public void dispatch(String path) {
        if (state != State.STARTED) {
            throw new IllegalStateException("dispatch() after the cycle was dispatched or completed");
        }
        state = State.DISPATCHED;
        dispatchedPath = path;
    }

    @Override
    public void dispatch(ServletContext context, String path) {
        dispatch(path);
    }

    @Override
    public ServletRequest getRequest() {
        return request;
    }

    @Override
    public ServletResponse getResponse() {
        return response;
    }

    @Override
    public boolean hasOriginalRequestAndResponse() {
        return original;
    }

    @Override
    public void start(Runnable task) {
        task.run();
    }

    @Override
    public void addListener(AsyncListener listener) {
        addListener(listener, request, response);
    }

    @Override
    public void addListener(AsyncListener listener, ServletRequest request, ServletResponse response) {
        if (state == State.COMPLETED) {
            throw new IllegalStateException("addListener() after the async cycle completed");
        }
        listeners.add(new Registration(listener, request, response));
    }

    @Override
    public <T extends AsyncListener> T createListener(Class<T> type) throws ServletException {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ServletException("cannot create " + type.getName(), e instanceof InvocationTargetException i ? i.getCause() : e);
        }
    }

    @Override
    public void setTimeout(long timeout) {
        this.timeout = timeout;
    }

    @Override
    public long getTimeout() {
        return timeout;
    }
}
