package io.agnes.web;

import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The one catch-all at the JAX-RS edge (API resources and MVC controllers alike). A
 * {@link WebApplicationException} below 500 keeps its status and headers with a {@code detail}; anything
 * else is a 500 that is logged once with the request id and never shows a stack trace.
 */
@Provider
public class UnhandledExceptionMapper implements ExceptionMapper<Throwable> {

    @Context
    HttpServletRequest request;

    @Context
    ResourceInfo resourceInfo;

    @Inject
    Settings settings;

    @Inject
    UnhandledErrors unhandledErrors;

    @Override
    public Response toResponse(Throwable error) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean api = ErrorResponses.isApiPath(path);
        if (error instanceof NotFoundException && resourceInfo.getResourceMethod() == null) {
            // no JAX-RS resource matched: an empty 404 lets Jersey (a filter with forwardOn404) hand the request
            // on to servlets, JSPs and static files; the container's error page answers if nothing else does
            return Response.status(404).build();
        }
        if (error instanceof WebApplicationException wae && wae.getResponse().getStatus() < 500) {
            return clientError(wae, api);
        }
        if (error instanceof ClientProblem problem) {
            return body(Response.status(problem.status()), problem.status(), problem.getMessage(), api);
        }
        if (error instanceof JsonbException || error instanceof JsonException
                || error.getCause() instanceof JsonbException) {
            return body(Response.status(400), 400, "Malformed JSON body", api);
        }
        unhandledErrors.report(request, error, "jaxrs");
        String requestId = RequestId.of(request);
        Response.ResponseBuilder response = Response.serverError();
        if (api) {
            String message = settings.flag(Setting.DEBUG) ? String.valueOf(error.getMessage()) : null;
            return response.type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ErrorResponses.internalErrorJson(requestId, message)).build();
        }
        return response.type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(ErrorResponses.html(500, ErrorResponses.defaultMessage(500), requestId)).build();
    }

    private Response clientError(WebApplicationException error, boolean api) {
        Response original = error.getResponse();
        int status = original.getStatus();
        Response.ResponseBuilder response = Response.fromResponse(original);
        String message = error.getMessage();
        // Jersey's own exceptions carry "HTTP 404 Not Found"-style messages; users get a sentence instead
        if (message == null || message.startsWith("HTTP " + status)) {
            message = ErrorResponses.defaultMessage(status);
        }
        return body(response, status, message, api);
    }

    private Response body(Response.ResponseBuilder response, int status, String message, boolean api) {
        if (api) {
            return response.type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorResponses.json(message)).build();
        }
        return response.type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8"))
                .entity(ErrorResponses.html(status, message, null)).build();
    }
}
