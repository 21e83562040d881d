package io.agnes.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(20));
    private final Instant now = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void waitsDoubleFromTheBaseUpToTheCap() {
        assertThat(backoff.delay(1, Optional.empty(), () -> 0)).contains(Duration.ofMillis(500));
        assertThat(backoff.delay(2, Optional.empty(), () -> 0)).contains(Duration.ofSeconds(1));
        assertThat(backoff.delay(3, Optional.empty(), () -> 0)).contains(Duration.ofSeconds(2));
        assertThat(backoff.delay(10, Optional.empty(), () -> 0)).contains(Duration.ofSeconds(20));
    }

    @Test
    void jitterShortensTheWaitByAtMostAQuarter() {
        assertThat(backoff.delay(2, Optional.empty(), () -> 0.999).orElseThrow())
                .isBetween(Duration.ofMillis(750), Duration.ofSeconds(1));
        assertThat(backoff.delay(2, Optional.empty()).orElseThrow())
                .isBetween(Duration.ofMillis(750), Duration.ofSeconds(1));
    }

    @Test
    void theProvidersRetryAfterIsUsedAsIsUpToTheCap() {
        assertThat(backoff.delay(1, Optional.of(Duration.ofSeconds(7)))).contains(Duration.ofSeconds(7));
        assertThat(backoff.delay(1, Optional.of(Duration.ofSeconds(21)))).isEmpty();
    }

    @Test
    void retryAfterIsReadInSecondsFractionsMillisecondsAndDates() {
        assertThat(retryAfter(Map.of("retry-after", "12"))).contains(Duration.ofSeconds(12));
        assertThat(retryAfter(Map.of("retry-after", "0.25"))).contains(Duration.ofMillis(250));
        assertThat(retryAfter(Map.of("retry-after-ms", "1500", "retry-after", "2"))).contains(Duration.ofMillis(1500));
        assertThat(retryAfter(Map.of("retry-after", "Fri, 27 Nov 2026 10:00:30 GMT"))).contains(Duration.ofSeconds(30));
        assertThat(retryAfter(Map.of("retry-after", "Fri, 27 Nov 2026 09:00:00 GMT"))).contains(Duration.ZERO);
    }

    @Test
    void nonsenseRetryAfterIsIgnored() {
        assertThat(retryAfter(Map.of())).isEmpty();
        assertThat(retryAfter(Map.of("retry-after", "soon"))).isEmpty();
        assertThat(retryAfter(Map.of("retry-after", "-3"))).isEmpty();
        assertThat(retryAfter(Map.of("retry-after", "NaN"))).isEmpty();
        assertThat(retryAfter(Map.of("retry-after-ms", "x", "retry-after", "4"))).contains(Duration.ofSeconds(4));
    }

    private Optional<Duration> retryAfter(Map<String, String> headers) {
        return Backoff.retryAfter(name -> Optional.ofNullable(headers.get(name)), now);
    }
}
