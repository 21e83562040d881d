package io.agnes.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalPathsTest {

    @Test
    void localPathsWithQueriesAreKept() {
        assertThat(LocalPaths.safeNext("/tokens?tab=all")).isEqualTo("/tokens?tab=all");
        assertThat(LocalPaths.safeNext("/")).isEqualTo("/");
    }

    @Test
    void anythingThatCouldLeaveTheSiteBecomesTheDashboard() {
        for (String hostile : new String[] {"//evil.example", "https://evil.example", "/\\evil.example",
                "javascript:alert(1)", "evil", "/ok\r\nSet-Cookie: x=1", "", null}) {
            assertThat(LocalPaths.safeNext(hostile)).as(String.valueOf(hostile)).isEqualTo("/");
        }
    }

    @Test
    void onlySignInSetupHealthErrorAndStaticPathsArePublic() {
        assertThat(AuthenticationFilter.isPublic("/api/health")).isTrue();
        assertThat(AuthenticationFilter.isPublic("/api/healthz")).isFalse();
        assertThat(AuthenticationFilter.isPublic("/static/agnes.css")).isTrue();
        assertThat(AuthenticationFilter.isPublic("/api/me")).isFalse();
        assertThat(AuthenticationFilter.isPublic("/login")).isTrue();
        assertThat(AuthenticationFilter.isPublic("/login/../admin/users")).isFalse();
        assertThat(AuthenticationFilter.isPublic("/staticx/a")).isFalse();
    }
}
