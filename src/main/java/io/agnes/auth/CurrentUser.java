package io.agnes.auth;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;
import jakarta.ws.rs.NotAuthorizedException;
import java.util.Optional;

/**
 * THE accessor for the authenticated user of the current request. {@link AuthenticationFilter} sets it for
 * every successful authentication path; filters after it, JAX-RS resources, exception mappers, views
 * ({@code ${currentUser.user}}) and interceptors read it. Outside a request it is simply empty.
 */
@RequestScoped
@Named("currentUser")
public class CurrentUser {

    private AuthenticatedUser user;

    public Optional<AuthenticatedUser> get() {
        return Optional.ofNullable(user);
    }

    /** For JSP views, and code on every page that would only unwrap the Optional: the user or null. */
    public AuthenticatedUser getUser() {
        return user;
    }

    public boolean isAdmin() {
        return user != null && user.admin();
    }

    /** The user, or a 401 for code that must not run anonymously. */
    public AuthenticatedUser require() {
        if (user == null) {
            throw new NotAuthorizedException("Not authenticated", "Bearer");
        }
        return user;
    }

    void set(AuthenticatedUser user) {
        this.user = user;
    }
}
