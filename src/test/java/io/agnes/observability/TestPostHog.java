package io.agnes.observability;

import io.agnes.auth.AuthenticatedUser;
import io.agnes.auth.CurrentUser;
import io.agnes.web.Settings;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;

/**
 * The PostHog facade and its request seam, wired by hand for unit tests of other features (which cannot reach the
 * package-private injection points from their own package).
 */
public final class TestPostHog {

    private TestPostHog() {
    }

    /** A started facade configured by {@code env} (the setting names, as in the environment). */
    public static PostHog start(Map<String, String> env) {
        PostHog posthog = new PostHog();
        posthog.settings = new Settings(key -> Optional.ofNullable(env.get(key)));
        posthog.config();
        return posthog;
    }

    public static void stop(PostHog posthog) {
        posthog.stop();
    }

    /** The request seam for {@code request}, served to {@code user} (empty: nobody signed in). */
    public static RequestEvents requestEvents(PostHog posthog, HttpServletRequest request,
            Optional<AuthenticatedUser> user) {
        RequestEvents events = new RequestEvents();
        events.posthog = posthog;
        events.currentRequest = request;
        events.currentUser = new CurrentUser() {
            @Override
            public Optional<AuthenticatedUser> get() {
                return user; // CurrentUser is set by the authentication filter, which a unit test does not run
            }
        };
        return events;
    }
}
