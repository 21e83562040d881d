package io.agnes.query;

import io.agnes.observability.PostHog;
import io.agnes.observability.RequestEvents;
import io.agnes.web.ClientProblem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The PostHog feature flag {@value #KEY}: lets an operator turn "Ask a question" (the LLM writing SQL) off for some
 * or all users without a release. Asking stays ON unless the flag says off: with PostHog off, the flag not
 * defined, or PostHog not answering in time, nothing changes for anyone.
 */
@ApplicationScoped
public class AskFlag {

    static final String KEY = "ask-llm";
    static final String TURNED_OFF = "Asking questions in plain language is turned off for you on this server "
            + "(feature flag ask-llm). You can still write SQL.";

    @Inject
    PostHog posthog;

    @Inject
    RequestEvents requestEvents;

    /** {@code /api/ask} while the flag is off for the user: 403 with {@link #TURNED_OFF}. */
    public static class AskingTurnedOffException extends ClientProblem {
        AskingTurnedOffException() {
            super(403, TURNED_OFF);
        }
    }

    /** Whether the current request's user may ask (evaluated for the distinct id of their events). */
    public boolean enabled() {
        if (!posthog.enabled()) {
            return true;
        }
        return posthog.isFeatureEnabled(KEY, requestEvents.distinctId(), true);
    }

    /** @throws AskingTurnedOffException when the flag is off for the current request's user */
    void require() {
        if (!enabled()) {
            throw new AskingTurnedOffException();
        }
    }
}
