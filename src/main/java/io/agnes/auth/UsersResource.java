package io.agnes.auth;

import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;

/** Admin API for users. */
@Path("api/admin/users")
@Produces(MediaType.APPLICATION_JSON)
@AdminOnly
public class UsersResource {

    @Inject
    Users users;

    @Inject
    CurrentUser currentUser;

    public record UserView(String id, String email, String displayName, boolean active, boolean admin,
                           Instant createdAt, Instant updatedAt) {
        static UserView of(UserAccount u) {
            return new UserView(u.getId(), u.getEmail(), u.getDisplayName(), u.isActive(), u.isAdmin(),
                    u.getCreatedAt(), u.getUpdatedAt());
        }
    }

    public record NewUser(String email, String displayName, String password, boolean admin) {
    }

    @GET
    public List<UserView> list() {
        return users.list().stream().map(UserView::of).toList();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(NewUser request) {
        if (request == null) {
            throw new BadRequestException("Send {\"email\", \"display_name\", \"password\", \"admin\"}.");
        }
        UserAccount created = users.create(request.email(), request.displayName(), request.password(), request.admin());
        return Response.status(Response.Status.CREATED).entity(UserView.of(created)).build();
    }

    @POST
    @Path("{id}/deactivate")
    public UserView deactivate(@PathParam("id") String id) {
        if (id.equals(currentUser.require().id())) {
            throw new BadRequestException("You cannot deactivate yourself.");
        }
        return UserView.of(users.setActive(id, false));
    }

    @POST
    @Path("{id}/activate")
    public UserView activate(@PathParam("id") String id) {
        return UserView.of(users.setActive(id, true));
    }
}
