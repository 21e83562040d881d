package io.agnes.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agnes.auth.AuthenticatedUser;
import io.agnes.observability.PostHog;
import io.agnes.observability.TestPostHog;
import io.agnes.testing.FakePostHogFlags;
import io.agnes.testing.FakePostHogFlags.Reply;
import io.agnes.testing.InMemoryRequest;
import io.agnes.web.ClientProblem;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * "Ask a question" behind the PostHog flag {@code ask-llm}: evaluated for the signed-in user's id, off only when
 * PostHog says so; then {@code POST /api/ask} answers 403 with a sentence (the page hides the form on the same
 * {@link AskFlag#enabled()}).
 */
class AskFlagTest {

    private static final AuthenticatedUser ALLOWED = new AuthenticatedUser("user-a", "a@example.com", "A", false,
            AuthenticatedUser.Via.SESSION);
    private static final AuthenticatedUser BLOCKED = new AuthenticatedUser("user-b", "b@example.com", "B", false,
            AuthenticatedUser.Via.SESSION);

    private final FakePostHogFlags fake = FakePostHogFlags.start();
    private PostHog posthog;

    @AfterEach
    void tearDown() {
        if (posthog != null) {
            TestPostHog.stop(posthog);
        }
        fake.close();
    }

    private AskFlag askFlag(Map<String, String> env, AuthenticatedUser user) {
        Map<String, String> all = new HashMap<>(Map.of("POSTHOG_API_KEY", "phc_project", "POSTHOG_HOST", fake.url(),
                "POSTHOG_FLAGS_TIMEOUT", "2s", "POSTHOG_SHUTDOWN_TIMEOUT", "0"));
        all.putAll(env);
        posthog = TestPostHog.start(all);
        AskFlag flag = new AskFlag();
        flag.posthog = posthog;
        flag.requestEvents = TestPostHog.requestEvents(posthog, new InMemoryRequest("POST", "/api/ask"),
                Optional.ofNullable(user));
        return flag;
    }

    /** {@code ask-llm} is off for user-b only. */
    private void offForUserB() {
        fake.flagsAnswer(request -> Reply.json("{\"flags\":{\"ask-llm\":{\"enabled\":"
                + !request.body().contains("\"user-b\"") + "}}}"));
    }

    @Test
    void theFlagOffForTheSignedInUserRefusesAskingWith403() {
        offForUserB();
        QueryResource resource = new QueryResource();
        resource.askFlag = askFlag(Map.of(), BLOCKED);

        assertThat(resource.askFlag.enabled()).isFalse();
        assertThatThrownBy(() -> resource.ask(new QueryResource.AskRequest("Which products sold best?", null)))
                .isInstanceOfSatisfying(ClientProblem.class, problem -> {
                    assertThat(problem.status()).isEqualTo(403);
                    assertThat(problem.getMessage()).isEqualTo(AskFlag.TURNED_OFF).contains("You can still write SQL");
                });
        assertThat(fake.flagsRequests().getFirst().body()).contains("\"distinct_id\":\"user-b\"");
    }

    @Test
    void theFlagOnForTheUserLetsThemAsk() {
        offForUserB();

        assertThat(askFlag(Map.of(), ALLOWED).enabled()).isTrue();
    }

    @Test
    void askingStaysOnWhenTheFlagIsUnknownPostHogFailsOrTheIntegrationIsOff() {
        fake.flags("{\"other-flag\":{\"enabled\":false}}");
        assertThat(askFlag(Map.of(), BLOCKED).enabled()).as("flag not defined").isTrue();
        TestPostHog.stop(posthog);

        fake.thenFlags(Reply.status(500, ""));
        assertThat(askFlag(Map.of(), BLOCKED).enabled()).as("PostHog failing").isTrue();
        TestPostHog.stop(posthog);

        int before = fake.requests().size();
        assertThat(askFlag(Map.of("POSTHOG_API_KEY", ""), BLOCKED).enabled()).as("integration off").isTrue();
        assertThat(fake.requests()).hasSize(before);
    }

    @Test
    void inIdentifyModeNoneTheUserIdNeverReachesPostHog() {
        offForUserB();

        assertThat(askFlag(Map.of("POSTHOG_IDENTIFY_PII", "none"), BLOCKED).enabled()).isTrue();
        assertThat(fake.flagsRequests()).singleElement()
                .satisfies(request -> assertThat(request.body()).doesNotContain("user-b").contains("\"anonymous\""));
    }
}
