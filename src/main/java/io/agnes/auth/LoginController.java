package io.agnes.auth;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.mvc.Controller;
import jakarta.mvc.Models;
import jakarta.mvc.security.CsrfProtected;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Optional;

/** The sign-in page (a standalone page, not the base layout) and sign-out. */
@Controller
@RequestScoped
@Path("")
public class LoginController {

    @Inject
    Models models;

    @Inject
    Users users;

    @Inject
    Sessions sessions;

    @Inject
    CurrentUser currentUser;

    @Context
    HttpServletRequest request;

    @GET
    @Path("login")
    public Response form(@QueryParam("next") String next) {
        if (users.count() == 0) {
            return Response.seeOther(URI.create(request.getContextPath() + "/setup")).build();
        }
        if (currentUser.get().isPresent()) {
            return Response.seeOther(URI.create(request.getContextPath() + LocalPaths.safeNext(next))).build();
        }
        models.put("next", LocalPaths.safeNext(next));
        return Response.ok("login.jsp").build();
    }

    @POST
    @Path("login")
    @CsrfProtected
    public Response login(@FormParam("email") String email, @FormParam("password") String password,
                          @FormParam("next") String next) {
        Optional<AuthenticatedUser> user = users.authenticate(email, password);
        if (user.isEmpty()) {
            models.put("next", LocalPaths.safeNext(next));
            models.put("email", email);
            models.put("error", "Wrong e-mail or password.");
            return Response.status(Response.Status.UNAUTHORIZED).entity("login.jsp").build();
        }
        sessions.start(request, user.get());
        return Response.seeOther(URI.create(request.getContextPath() + LocalPaths.safeNext(next))).build();
    }

    @POST
    @Path("logout")
    @CsrfProtected
    public Response logout() {
        sessions.end(request);
        return Response.seeOther(URI.create(request.getContextPath() + "/login")).build();
    }
}
