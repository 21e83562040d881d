package io.agnes.observability;

import io.agnes.auth.AuthenticatedUser;
import io.agnes.auth.CurrentUser;
import io.agnes.web.RequestId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;

/**
 * Who and where an event happened: the identity (per identify mode) and the request properties of the HTTP
 * request being served on this thread, or {@code system} with no request properties outside one (timers,
 * background syncs). Never the Authorization header, cookies, the query string or the body.
 */
@ApplicationScoped
public class RequestEvents {

    @Inject
    PostHog posthog;

    @Inject
    CurrentUser currentUser;

    @Inject
    HttpServletRequest currentRequest;

    /** An event's identity and its context properties. */
    public record Origin(EventIdentity identity, Map<String, Object> properties) {
        static final Origin SYSTEM = new Origin(EventIdentity.system(), Map.of());
    }

    /** The origin of an event raised on this thread now. */
    public Origin current() {
        try {
            currentRequest.getMethod();
        } catch (ContextNotActiveException | IllegalStateException noRequest) {
            return Origin.SYSTEM;
        }
        return of(currentRequest, currentUser.get());
    }

    /**
     * The distinct id of this thread's events now: for a signed-in user in the identify modes {@code id},
     * {@code email} and {@code full} the user's id; otherwise as {@link EventIdentity#forRequest} decides
     * ({@code system} outside a request). Feature flags are evaluated for this id, so PostHog ties a flag's
     * value to the same person as the events.
     */
    public String distinctId() {
        return current().identity().distinctId();
    }

    /** The origin of an event raised while serving {@code request} for {@code user}. */
    public Origin of(HttpServletRequest request, Optional<AuthenticatedUser> user) {
        if (user.isPresent() && user.get().via() == AuthenticatedUser.Via.SCHEDULER_SECRET) {
            // the scheduler's own calls are the system, not a person
            return new Origin(EventIdentity.system(), properties(request));
        }
        EventIdentity identity = EventIdentity.forRequest(posthog.config().identifyMode(),
                user.map(AuthenticatedUser::id).orElse(null), user.map(AuthenticatedUser::email).orElse(null),
                user.map(AuthenticatedUser::displayName).orElse(null),
                request.getHeader(RequestProperties.DISTINCT_ID_HEADER));
        return new Origin(identity, properties(request));
    }

    private static Map<String, Object> properties(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return new RequestProperties(request.getMethod(), path.isEmpty() ? "/" : path, request.getScheme(),
                request.getServerName(), request.getServerPort(), request.getHeader("User-Agent"),
                RequestId.of(request), request.getHeader(RequestProperties.SESSION_ID_HEADER),
                request.getHeader(RequestProperties.WINDOW_ID_HEADER),
                request.getHeader(RequestProperties.DISTINCT_ID_HEADER)).toProperties();
    }
}
