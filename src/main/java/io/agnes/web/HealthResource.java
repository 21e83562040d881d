package io.agnes.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code GET /api/health}: public, cheap, and 503 when the database does not answer. */
@Path("api/health")
public class HealthResource {

    @Inject
    Database database;

    @Inject
    Settings settings;

    public record Health(String status, String version, String database) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        boolean databaseUp = database.isReachable();
        String version = settings.isSet(Setting.AGNES_VERSION) ? settings.string(Setting.AGNES_VERSION) : BuildInfo.version();
        Health health = new Health(databaseUp ? "ok" : "degraded", version, databaseUp ? "ok" : "unreachable");
        return Response.status(databaseUp ? 200 : 503).header("Cache-Control", "no-store").entity(health).build();
    }
}
