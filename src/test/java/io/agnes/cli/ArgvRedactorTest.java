package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgvRedactorTest {

    static List<String> redact(String... argv) {
        return ArgvRedactor.redact(List.of(argv));
    }

    @Test
    void secretOptionValuesAreRedactedInBothSpellings() {
        assertThat(redact("login", "--server", "https://agnes.example.com", "--token", "hunter2"))
                .containsExactly("login", "--server", "https://agnes.example.com", "--token", "[redacted]");
        assertThat(redact("login", "--token=hunter2", "--password", "pw", "--secret=s", "--api-key", "k", "--client-secret=c"))
                .containsExactly("login", "--token=[redacted]", "--password", "[redacted]", "--secret=[redacted]",
                        "--api-key", "[redacted]", "--client-secret=[redacted]");
    }

    @Test
    void aSecretOptionAtTheEndHasNothingToRedact() {
        assertThat(redact("login", "--token")).containsExactly("login", "--token");
    }

    @Test
    void optionsThatOnlyContainTheWordsAreLeftAlone() {
        assertThat(redact("query", "--monkey", "x", "--tokens-page", "2")).containsExactly("query", "--monkey", "x", "--tokens-page", "2");
    }

    @Test
    void knownTokenPrefixesAreRedactedAnywhere() {
        assertThat(redact("agnes_pat_abc123", "phc_projectKey1", "phx_" + "personalKey"))
                .containsExactly("[redacted]", "[redacted]", "[redacted]");
        assertThat(redact("query", "SELECT * FROM t WHERE k = 'agnes_pat_Zz9-x_y' AND h = 'Bearer abc.def'"))
                .containsExactly("query", "SELECT * FROM t WHERE k = '[redacted]' AND h = 'Bearer [redacted]");
    }

    @Test
    void secretAssignmentsInsideArgumentsAreRedacted() {
        assertThat(redact("--server=https://agnes.example.com/?token=short1&x=1", "password=hunter2", "monkey=banana"))
                .containsExactly("--server=https://agnes.example.com/?token=[redacted]&x=1", "password=[redacted]", "monkey=banana");
    }

    @Test
    void longRandomLookingStringsAreRedacted() {
        assertThat(redact("x", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"))
                .containsExactly("x", "[redacted]");
        assertThat(redact("3f786850e387550fdab836ed7e6dc881de23001b")).containsExactly("[redacted]");
        assertThat(redact("--server", "https://h/?k=Rk8xT2ZqWmVNYjRhQ3hQdTNkVnN5R0w5")).containsExactly("--server", "https://h/?k=[redacted]");
    }

    @Test
    void ordinaryArgumentsStayReadable() {
        List<String> argv = List.of("query", "SELECT region, count(*) FROM orders_2024_q1_summary_by_region GROUP BY 1",
                "--format", "csv", "--limit", "100", "/home/ada/Reports/Quarterly_Report_2024_Final_v2.xlsx",
                "internationalization_and_localization", "https://agnes.example.com:8443/api");

        assertThat(ArgvRedactor.redact(argv)).isEqualTo(argv);
    }

    @Test
    void theReportTextIsJoinedAndCapped() {
        assertThat(ArgvRedactor.forReport(List.of("login", "--token", "x"))).isEqualTo("login --token [redacted]");
        assertThat(ArgvRedactor.forReport(List.of("query", "SELECT '" + "a ".repeat(400) + "'"))).hasSize(CliFailure.MAX_ARGV_CHARS).endsWith("…");
    }
}
