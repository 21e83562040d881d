package io.agnes.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * A CDI event: an error nobody handled ended a request in a 500. Observers run synchronously on the
 * request's thread (so they can read the request and the current user) and cannot change the response.
 *
 * @param error   the throwable, as thrown
 * @param request the request it ended
 * @param layer   where it was caught: {@code jaxrs} (the exception mapper) or {@code servlet} (pages, filters)
 */
public record UnhandledError(Throwable error, HttpServletRequest request, String layer) {

    public String requestId() {
        return RequestId.of(request);
    }
}
