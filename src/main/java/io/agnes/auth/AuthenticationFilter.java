package io.agnes.auth;

import io.agnes.web.ErrorResponses;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Resolves who is calling — dev mode, scheduler secret, access token or session, in that order — into
 * {@link CurrentUser}, and turns anonymous callers away from everything but the public paths: 401 JSON
 * for the API, a redirect to the login page for pages.
 */
@WebFilter(filterName = "AuthenticationFilter", asyncSupported = true)
public class AuthenticationFilter extends HttpFilter {

    static final String SESSION_USER_ID = "agnes.userId";

    @Inject
    AuthSettings authSettings;

    @Inject
    CurrentUser currentUser;

    @Inject
    Users users;

    @Inject
    AccessTokens accessTokens;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = pathOf(request);
        String bearer = bearerToken(request);
        Optional<AuthenticatedUser> user;
        if (authSettings.devMode()) {
            user = Optional.of(users.ensureDevUser().toAuthenticated(AuthenticatedUser.Via.DEV_MODE));
        } else if (bearer != null) {
            user = authSettings.isSchedulerSecret(bearer) ? Optional.of(AuthenticatedUser.scheduler()) : accessTokens.resolve(bearer);
            if (user.isEmpty() && !isPublic(path)) {
                // a token that was presented and is wrong is an error even if a session cookie is also there
                rejectApi(response, "Invalid or expired access token");
                return;
            }
        } else {
            user = fromSession(request);
        }
        user.ifPresent(currentUser::set);
        if (user.isEmpty() && !isPublic(path)) {
            deny(request, response, path);
            return;
        }
        chain.doFilter(request, response);
    }

    private Optional<AuthenticatedUser> fromSession(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session == null || !(session.getAttribute(SESSION_USER_ID) instanceof String id)) {
            return Optional.empty();
        }
        // read the user each time, so a deactivated user's sessions end at their next request
        Optional<AuthenticatedUser> user = users.findById(id).filter(UserAccount::isActive)
                .map(u -> u.toAuthenticated(AuthenticatedUser.Via.SESSION));
        if (user.isEmpty()) {
            session.invalidate();
        }
        return user;
    }

    private void deny(HttpServletRequest request, HttpServletResponse response, String path) throws IOException {
        if (ErrorResponses.isApiPath(path)) {
            rejectApi(response, "Not authenticated");
        } else if ("GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod())) {
            String target = path + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
            response.sendRedirect(request.getContextPath() + "/login?next=" + URLEncoder.encode(target, StandardCharsets.UTF_8));
        } else {
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            response.setContentType("text/html;charset=UTF-8");
            response.getWriter().write(ErrorResponses.html(401, ErrorResponses.defaultMessage(401), null));
        }
    }

    private static void rejectApi(HttpServletResponse response, String detail) throws IOException {
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", "Bearer");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(ErrorResponses.json(detail));
    }

    static String bearerToken(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }

    static String pathOf(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    /** Paths anyone may reach: signing in, first-run setup, static files, health and error pages. */
    static boolean isPublic(String path) {
        return path.equals("/login") || path.equals("/logout") || path.equals("/setup")
                || path.startsWith("/static/") || path.equals("/favicon.ico")
                || path.equals("/api/health") || path.equals("/error");
    }
}
