package io.agnes.web;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The last line for errors outside JAX-RS (JSP pages, servlets, inner filters): the error is reported
 * once and the caller gets the same 500 as from the JAX-RS mapper, with the request id.
 */
@WebFilter(filterName = "ServerErrorFilter", asyncSupported = true)
public class ServerErrorFilter extends HttpFilter {

    @Inject
    UnhandledErrors unhandledErrors;

    @Inject
    Settings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        try {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException | Error failure) {
            Throwable error = unwrap(failure);
            unhandledErrors.report(request, error, "servlet");
            if (!response.isCommitted() && !ClientDisconnect.caused(error)) {
                ErrorPageServlet.writeInternalError(request, response, error, settings.flag(Setting.DEBUG));
            }
            // a committed response cannot become an error page; the error is logged and the connection ends normally
        }
    }

    /** Servlet containers wrap page errors in ServletException (possibly twice); report what was really thrown. */
    static Throwable unwrap(Throwable failure) {
        Throwable error = failure;
        while (error instanceof ServletException se && se.getRootCause() != null && se.getRootCause() != error) {
            error = se.getRootCause();
        }
        return error;
    }
}
