package io.agnes.sources;

import io.agnes.auth.AdminOnly;
import io.agnes.llm.LlmErrorResponses;
import io.agnes.llm.LlmException;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** {@code POST /api/admin/run-catalog-enrichment} (admins): runs the job now and answers with its report. */
@Path("api/admin/run-catalog-enrichment")
@Produces(MediaType.APPLICATION_JSON)
@AdminOnly
public class CatalogEnrichmentResource {

    @Inject
    CatalogEnrichment enrichment;

    @POST
    public Response run() {
        try {
            return Response.ok(enrichment.run()).build();
        } catch (LlmException e) {
            return LlmErrorResponses.of(e);
        }
    }
}
