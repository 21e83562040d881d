package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(10));
    private final Instant now = Instant.parse("2026-11-27T10:00:00Z");

    @Test
    void delaysDoubleUpToTheCapWithJitterBetweenHalfAndAll() {
        assertThat(backoff.delay(1, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.delay(1, Optional.empty(), () -> 0.0)).isEqualTo(Duration.ofMillis(500));
        assertThat(backoff.delay(2, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(5, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofSeconds(16));
        assertThat(backoff.delay(6, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(1000, Optional.empty(), () -> 1.0)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterIsHonouredAsIsUpToTheGuard() {
        assertThat(backoff.delay(1, Optional.of(Duration.ofSeconds(90)), () -> 0.0)).isEqualTo(Duration.ofSeconds(90));
        assertThat(backoff.delay(9, Optional.of(Duration.ofSeconds(3)), () -> 0.0)).isEqualTo(Duration.ofSeconds(3));
        assertThat(backoff.delay(1, Optional.of(Duration.ofDays(2)), () -> 0.0)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        assertThat(RetryBackoff.parseRetryAfter("7", now)).contains(Duration.ofSeconds(7));
        assertThat(RetryBackoff.parseRetryAfter(" 1.5 ", now)).contains(Duration.ofMillis(1500));
        assertThat(RetryBackoff.parseRetryAfter("Fri, 27 Nov 2026 10:00:42 GMT", now)).contains(Duration.ofSeconds(42));
        assertThat(RetryBackoff.parseRetryAfter("Fri, 27 Nov 2026 09:00:00 GMT", now)).contains(Duration.ZERO);
    }

    @Test
    void nonsenseRetryAfterIsIgnored() {
        for (String nonsense : new String[] {null, "", "soon", "-3", "NaN", "Infinity", "1e300"}) {
            assertThat(RetryBackoff.parseRetryAfter(nonsense, now)).as(String.valueOf(nonsense)).isEmpty();
        }
    }
}
