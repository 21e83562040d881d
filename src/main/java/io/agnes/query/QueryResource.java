package io.agnes.query;

import io.agnes.llm.LlmErrorResponses;
import io.agnes.llm.LlmException;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code POST /api/query} (SQL) and {@code POST /api/ask} (a question for the LLM). */
@Path("api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class QueryResource {

    @Inject
    QueryRunner queryRunner;

    @Inject
    Questions questions;

    @Inject
    AskFlag askFlag;

    public record QueryRequest(String sql, Integer limit) {
    }

    public record AskRequest(String question, Integer limit) {
    }

    @POST
    @Path("query")
    public QueryResult query(QueryRequest request) {
        if (request == null || request.sql() == null || request.sql().isBlank()) {
            throw new BadRequestException("Send {\"sql\": \"SELECT ...\", \"limit\": 100}.");
        }
        return queryRunner.run(request.sql(), request.limit());
    }

    @POST
    @Path("ask")
    public Response ask(AskRequest request) {
        askFlag.require(); // 403 while the feature flag ask-llm is off for this user
        if (request == null || request.question() == null) {
            throw new BadRequestException("Send {\"question\": \"...\"}.");
        }
        try {
            return Response.ok(questions.ask(request.question(), request.limit())).build();
        } catch (Questions.UnusableSqlException e) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("detail", e.getMessage());
            body.put("sql", e.answer().sql());
            body.put("explanation", e.answer().explanation());
            return Response.status(e.status()).entity(body).build();
        } catch (LlmException e) {
            return LlmErrorResponses.of(e);
        }
    }
}
