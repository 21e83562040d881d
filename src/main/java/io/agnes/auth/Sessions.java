package io.agnes.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

/** Starting and ending browser sessions. */
@ApplicationScoped
public class Sessions {

    @Inject
    AuthSettings authSettings;

    /** Signs the user in on this browser; the session id changes so a planted id is worthless. */
    public void start(HttpServletRequest request, AuthenticatedUser user) {
        HttpSession existing = request.getSession(false);
        if (existing != null) {
            request.changeSessionId();
        }
        HttpSession session = request.getSession(true);
        session.setAttribute(AuthenticationFilter.SESSION_USER_ID, user.id());
        session.setMaxInactiveInterval(authSettings.sessionTimeoutSeconds());
    }

    public void end(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }
}
