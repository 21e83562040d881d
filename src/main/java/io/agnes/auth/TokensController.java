package io.agnes.auth;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.mvc.Controller;
import jakarta.mvc.Models;
import jakarta.mvc.security.CsrfProtected;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** The page where users manage their own personal access tokens. */
@Controller
@RequestScoped
@Path("tokens")
public class TokensController {

    @Inject
    Models models;

    @Inject
    AccessTokens accessTokens;

    @Inject
    CurrentUser currentUser;

    @Context
    HttpServletRequest request;

    @GET
    public String list() {
        models.put("tokens", accessTokens.listFor(currentUser.require().id()));
        return "tokens.jsp";
    }

    @POST
    @CsrfProtected
    public Response create(@FormParam("name") String name, @FormParam("expires_in_days") String expiresInDays) {
        try {
            Integer days = expiresInDays == null || expiresInDays.isBlank() ? null : Integer.valueOf(expiresInDays.trim());
            AccessTokens.Issued issued = accessTokens.create(currentUser.require().id(), name, days);
            // the secret is rendered in this response only; it is never stored or shown again
            models.put("newSecret", issued.secret());
            models.put("newToken", issued.token());
        } catch (NumberFormatException e) {
            models.put("error", "Expiry must be a whole number of days.");
        } catch (ClientErrorException invalid) {
            models.put("error", invalid.getMessage());
        }
        models.put("tokens", accessTokens.listFor(currentUser.require().id()));
        return Response.ok("tokens.jsp").header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("{id}/revoke")
    @CsrfProtected
    public Response revoke(@PathParam("id") String id) {
        if (!accessTokens.revoke(currentUser.require().id(), id)) {
            throw new NotFoundException("No such token.");
        }
        return Response.seeOther(URI.create(request.getContextPath() + "/tokens")).build();
    }
}
