package io.agnes.sources;

import io.agnes.auth.AdminOnly;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code GET /api/catalog}: the queryable tables with columns, row counts, descriptions and tags. */
@Path("api/catalog")
@Produces(MediaType.APPLICATION_JSON)
public class CatalogResource {

    @Inject
    Catalog catalog;

    public record Description(String description, List<String> tags) {
    }

    @GET
    public List<CatalogTable> tables() {
        return catalog.tables();
    }

    @GET
    @Path("{table}")
    public CatalogTable table(@PathParam("table") String table) {
        return catalog.table(table);
    }

    /** Admins correct what the enrichment job wrote (or write it themselves). */
    @PUT
    @Path("{table}/description")
    @Consumes(MediaType.APPLICATION_JSON)
    @AdminOnly
    public CatalogTable describe(@PathParam("table") String table, Description body) {
        if (body == null) {
            throw new BadRequestException("Send {\"description\": \"...\", \"tags\": [\"...\"]}.");
        }
        try {
            return catalog.describe(table, body.description(), body.tags() == null ? List.of() : body.tags());
        } catch (IllegalArgumentException invalid) {
            throw new BadRequestException(invalid.getMessage());
        }
    }
}
