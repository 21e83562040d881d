package io.agnes.observability;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long the sender waits before retrying a failed request: exponential from {@code base}, at most
 * {@code cap}, with "equal jitter" (between half and all of it) so that many Agnes instances cut off together
 * do not come back in step. When PostHog says how long to wait ({@code Retry-After}), that wait is honoured
 * as is, up to {@code maxRetryAfter}, a guard against a nonsensical value parking the sender for days.
 */
record RetryBackoff(Duration base, Duration cap, Duration maxRetryAfter) {

    RetryBackoff {
        if (base.isNegative() || cap.compareTo(base) < 0 || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("need 0 <= base <= cap and maxRetryAfter >= 0: " + base + ", " + cap);
        }
    }

    /** The wait before retry {@code retry} (1 = the first retry). */
    Duration delay(int retry, Optional<Duration> retryAfter, DoubleSupplier random) {
        if (retryAfter.isPresent()) {
            return retryAfter.get().compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter.get();
        }
        double exponential = base.toNanos() * Math.pow(2, Math.min(62, Math.max(0, retry - 1)));
        double capped = Math.min(exponential, cap.toNanos());
        return Duration.ofNanos((long) (capped * (0.5 + 0.5 * random.getAsDouble())));
    }

    /**
     * A {@code Retry-After} value: whole or fractional seconds, or an HTTP date (a date in the past means now).
     * Anything else is ignored (empty), and the exponential backoff applies.
     */
    static Optional<Duration> parseRetryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.trim();
        try {
            double seconds = Double.parseDouble(text);
            // a year is beyond any sensible wait; the bound keeps the conversion to nanoseconds from overflowing
            return seconds >= 0 && seconds < 86_400 * 365
                    ? Optional.of(Duration.ofNanos((long) (seconds * 1_000_000_000d))) : Optional.empty();
        } catch (NumberFormatException e) {
            // not a number: maybe a date
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
