package io.agnes.web;

import jakarta.inject.Inject;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The container's error page ({@code <error-page>} in web.xml) for {@code sendError} and for exceptions the
 * container saw: JSON under {@code /api/}, HTML elsewhere, in the same shapes as the JAX-RS mapper.
 */
public class ErrorPageServlet extends HttpServlet {

    @Inject
    UnhandledErrors unhandledErrors;

    @Inject
    Settings settings;

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Throwable error = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer i ? i : 500;
        if (error != null) {
            error = ServerErrorFilter.unwrap(error);
            unhandledErrors.report(request, error, "servlet");
            status = 500;
        }
        if (status >= 500) {
            writeInternalError(request, response, error, settings.flag(Setting.DEBUG));
            return;
        }
        // the container's own message is a bare reason phrase ("Not Found"); users get a sentence
        String message = ErrorResponses.defaultMessage(status);
        write(response, status, isApi(request), isApi(request)
                ? ErrorResponses.json(message)
                : ErrorResponses.html(status, message, null));
    }

    static void writeInternalError(HttpServletRequest request, HttpServletResponse response, Throwable error,
                                   boolean debug) throws IOException {
        String requestId = RequestId.of(request);
        boolean api = isApi(request);
        String body = api
                ? ErrorResponses.internalErrorJson(requestId, debug && error != null ? String.valueOf(error.getMessage()) : null)
                : ErrorResponses.html(500, ErrorResponses.defaultMessage(500), requestId);
        response.resetBuffer();
        write(response, 500, api, body);
    }

    private static void write(HttpServletResponse response, int status, boolean api, String body) throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(api ? "application/json" : "text/html");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        try {
            response.getWriter().write(body);
        } catch (IllegalStateException streamAlreadyUsed) {
            // the failed page had already opened the byte stream; the body goes through it instead
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** During an error dispatch the original URI is in an attribute; otherwise it is the request's own. */
    private static boolean isApi(HttpServletRequest request) {
        Object original = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String uri = original instanceof String s ? s : request.getRequestURI();
        return ErrorResponses.isApiPath(uri.substring(Math.min(request.getContextPath().length(), uri.length())));
    }
}
