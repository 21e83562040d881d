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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** One-time setup: while no user exists, anyone who reaches Agnes first creates the first admin. */
@Controller
@RequestScoped
@Path("setup")
public class SetupController {

    @Inject
    Models models;

    @Inject
    Users users;

    @Inject
    Sessions sessions;

    @Context
    HttpServletRequest request;

    @GET
    public String form() {
        requireNoUsers();
        return "setup.jsp";
    }

    @POST
    @CsrfProtected
    public Response create(@FormParam("email") String email, @FormParam("display_name") String displayName,
                           @FormParam("password") String password) {
        requireNoUsers();
        try {
            UserAccount admin = users.create(email, displayName, password, true);
            sessions.start(request, admin.toAuthenticated(AuthenticatedUser.Via.SESSION));
            return Response.seeOther(URI.create(request.getContextPath() + "/")).build();
        } catch (ClientErrorException invalid) {
            models.put("error", invalid.getMessage());
            models.put("email", email);
            models.put("displayName", displayName);
            return Response.status(invalid.getResponse().getStatus()).entity("setup.jsp").build();
        }
    }

    private void requireNoUsers() {
        if (users.count() > 0) {
            throw new NotFoundException("Agnes is already set up.");
        }
    }
}
