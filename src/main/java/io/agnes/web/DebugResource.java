package io.agnes.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

/**
 * {@code GET /api/debug/throw?kind=ValueError&msg=...}: authentication first (the filter answers 401), then
 * the DEBUG gate (404, as if the route did not exist), then the requested error, which ends in the 500
 * path like any unhandled error.
 */
@Path("api/debug/throw")
public class DebugResource {

    @Inject
    Settings settings;

    @GET
    public String raise(@QueryParam("kind") String kind, @QueryParam("msg") String message) {
        if (!settings.flag(Setting.DEBUG)) {
            throw new NotFoundException();
        }
        throw DebugErrors.of(kind, message);
    }
}
