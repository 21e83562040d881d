package io.agnes.llm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * How long to wait before retry number {@code n}: exponential from {@code base}, at most {@code cap},
 * shortened by up to a quarter at random so that many callers limited at once do not retry in step.
 *
 * <p>When the provider sends {@code retry-after}, that wait is used as is. When it asks for more than
 * {@code cap}, no retry is made: the caller gets the rate-limit error with the provider's wait, which the
 * API can pass on as its own {@code Retry-After}, instead of a user staring at a spinner.
 */
record Backoff(Duration base, Duration cap) {

    static final Backoff DEFAULT = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(20));
    private static final double JITTER = 0.25;

    Backoff {
        if (base.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 <= base <= cap: " + base + ", " + cap);
        }
    }

    /** The wait before retry {@code retry} (1 = the first retry), or empty when the provider asks for more than the cap. */
    Optional<Duration> delay(int retry, Optional<Duration> retryAfter) {
        return delay(retry, retryAfter, () -> ThreadLocalRandom.current().nextDouble());
    }

    Optional<Duration> delay(int retry, Optional<Duration> retryAfter, DoubleSupplier random) {
        if (retryAfter.isPresent()) {
            Duration wanted = retryAfter.get();
            return wanted.compareTo(cap) > 0 ? Optional.empty() : Optional.of(wanted);
        }
        double exponential = base.toNanos() * Math.pow(2, Math.max(0, retry - 1));
        double capped = Math.min(exponential, cap.toNanos());
        return Optional.of(Duration.ofNanos((long) (capped * (1 - JITTER * random.getAsDouble()))));
    }

    /**
     * The wait a provider asked for: {@code retry-after-ms} (milliseconds, OpenAI), else {@code retry-after}
     * in seconds (fractions allowed) or as an HTTP date. Nonsense is ignored; a date in the past means now.
     */
    static Optional<Duration> retryAfter(Function<String, Optional<String>> header, Instant now) {
        Optional<Duration> millis = header.apply("retry-after-ms").flatMap(v -> number(v))
                .map(ms -> Duration.ofNanos((long) (ms * 1_000_000)));
        if (millis.isPresent()) {
            return millis;
        }
        Optional<String> value = header.apply("retry-after").map(String::trim).filter(v -> !v.isEmpty());
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Optional<Double> seconds = number(value.get());
        if (seconds.isPresent()) {
            return Optional.of(Duration.ofNanos((long) (seconds.get() * 1_000_000_000)));
        }
        try {
            Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Double> number(String value) {
        try {
            double parsed = Double.parseDouble(value.trim());
            // a day is far beyond any cap; the bound keeps the conversions to nanoseconds from overflowing
            return parsed >= 0 && parsed < 86_400_000 ? Optional.of(parsed) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
