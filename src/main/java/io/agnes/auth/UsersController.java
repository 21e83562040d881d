package io.agnes.auth;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.mvc.Controller;
import jakarta.mvc.Models;
import jakarta.mvc.security.CsrfProtected;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/** Admin page: list, create, deactivate and reactivate users. */
@Controller
@RequestScoped
@Path("admin/users")
@AdminOnly
public class UsersController {

    @Inject
    Models models;

    @Inject
    Users users;

    @Inject
    CurrentUser currentUser;

    @Context
    HttpServletRequest request;

    @GET
    public String list() {
        models.put("users", users.list());
        return "users.jsp";
    }

    @POST
    @CsrfProtected
    public Response create(@FormParam("email") String email, @FormParam("display_name") String displayName,
                           @FormParam("password") String password, @FormParam("admin") String admin) {
        try {
            UserAccount created = users.create(email, displayName, password, "on".equals(admin) || "true".equals(admin));
            models.put("notice", "Created " + created.getEmail() + ".");
        } catch (ClientErrorException invalid) {
            models.put("error", invalid.getMessage());
        }
        models.put("users", users.list());
        return Response.ok("users.jsp").build();
    }

    @POST
    @Path("{id}/active")
    @CsrfProtected
    public Response setActive(@PathParam("id") String id, @FormParam("active") String active) {
        boolean activate = "true".equals(active);
        if (!activate && id.equals(currentUser.require().id())) {
            throw new BadRequestException("You cannot deactivate yourself.");
        }
        users.setActive(id, activate);
        return Response.seeOther(URI.create(request.getContextPath() + "/admin/users")).build();
    }
}
