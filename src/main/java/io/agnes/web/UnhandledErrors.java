package io.agnes.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place an unhandled error of a request is logged (once, with the request id) and announced
 * to observers as an {@link UnhandledError}. Both the JAX-RS mapper and the servlet-level handlers call it;
 * a throwable that reaches both is reported once. A client that went away mid-response ({@link ClientDisconnect})
 * is no error: it is logged at FINE only and not announced.
 */
@ApplicationScoped
public class UnhandledErrors {

    private static final Logger LOG = Logger.getLogger(UnhandledErrors.class.getName());
    private static final String REPORTED = UnhandledErrors.class.getName() + ".reported";

    @Inject
    Event<UnhandledError> observers;

    public void report(HttpServletRequest request, Throwable error, String layer) {
        if (request.getAttribute(REPORTED) == error) {
            return;
        }
        if (ClientDisconnect.caused(error)) {
            // the client hung up mid-response: nothing failed that anyone could fix
            LOG.fine(() -> "Client went away during " + request.getMethod() + " " + request.getRequestURI() + ": " + error);
            request.setAttribute(REPORTED, error);
            return;
        }
        request.setAttribute(REPORTED, error);
        String requestId = RequestId.of(request);
        LOG.log(Level.SEVERE, error, () -> "Unhandled error [request_id=" + requestId + "] "
                + request.getMethod() + " " + request.getRequestURI());
        try {
            observers.fire(new UnhandledError(error, request, layer));
        } catch (RuntimeException observerFailure) {
            // an observer (e.g. error tracking) must never change what the user gets
            LOG.log(Level.WARNING, "An UnhandledError observer failed; the response is unaffected", observerFailure);
        }
    }
}
