package io.agnes.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;

/** The caller's own account and personal access tokens, as JSON. */
@Path("api")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    @Inject
    CurrentUser currentUser;

    @Inject
    AccessTokens accessTokens;

    public record Me(String id, String email, String displayName, boolean admin, String authenticatedVia) {
    }

    public record TokenView(String id, String name, String prefix, Instant createdAt, Instant expiresAt,
                            Instant lastUsedAt, Instant revokedAt, boolean active) {
        static TokenView of(AccessToken t) {
            return new TokenView(t.getId(), t.getName(), t.getPrefix(), t.getCreatedAt(), t.getExpiresAt(),
                    t.getLastUsedAt(), t.getRevokedAt(), t.isUsableAt(Instant.now()));
        }
    }

    public record NewToken(String name, Integer expiresInDays) {
    }

    /** The only response that ever contains a token's secret. */
    public record IssuedToken(String id, String name, String token, String prefix, Instant createdAt, Instant expiresAt) {
    }

    @GET
    @Path("me")
    public Me me() {
        AuthenticatedUser user = currentUser.require();
        return new Me(user.id(), user.email(), user.displayName(), user.admin(), user.via().name().toLowerCase());
    }

    @GET
    @Path("tokens")
    public List<TokenView> tokens() {
        return accessTokens.listFor(currentUser.require().id()).stream().map(TokenView::of).toList();
    }

    @POST
    @Path("tokens")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewToken request) {
        if (request == null) {
            throw new jakarta.ws.rs.BadRequestException("Send {\"name\": ..., \"expires_in_days\": ...}.");
        }
        AccessTokens.Issued issued = accessTokens.create(currentUser.require().id(), request.name(), request.expiresInDays());
        AccessToken t = issued.token();
        return Response.status(Response.Status.CREATED).header("Cache-Control", "no-store")
                .entity(new IssuedToken(t.getId(), t.getName(), issued.secret(), t.getPrefix(), t.getCreatedAt(), t.getExpiresAt()))
                .build();
    }

    @DELETE
    @Path("tokens/{id}")
    public Response revoke(@PathParam("id") String id) {
        if (!accessTokens.revoke(currentUser.require().id(), id)) {
            throw new NotFoundException("No such token.");
        }
        return Response.noContent().build();
    }
}
