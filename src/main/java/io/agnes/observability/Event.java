package io.agnes.observability;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One PostHog event as it waits to be sent: small and immutable, so that capturing it costs the calling
 * thread one object and a shallow copy of the properties, nothing more.
 *
 * <p>The {@code uuid} is fixed at creation and sent unchanged on every retry, so PostHog can tell a
 * retried delivery from a new event. The {@code properties} map is copied (top level only; key order kept;
 * {@code null} values allowed and sent as JSON {@code null}): nested maps and lists must not be changed
 * by the caller after capture. Values may be strings, numbers, booleans, {@code null}, maps, lists,
 * collections and arrays of those; anything else is sent as its {@code toString()}.
 *
 * @param uuid       the event's identity ({@link #of} makes a time-ordered UUIDv7, as PostHog's SDKs do)
 * @param name       the event name, e.g. {@code $exception}
 * @param distinctId who did it (a user id, or {@code system}, {@code anonymous}, {@code cli})
 * @param timestamp  when it happened
 * @param properties the event's properties ({@code $lib} and {@code $lib_version} are added when sent)
 */
public record Event(UUID uuid, String name, String distinctId, Instant timestamp, Map<String, Object> properties) {

    public Event {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(distinctId, "distinctId");
        Objects.requireNonNull(timestamp, "timestamp");
        if (name.isBlank()) {
            throw new IllegalArgumentException("an event needs a name");
        }
        properties = properties == null || properties.isEmpty()
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** A new event happening now, with a fresh UUIDv7. */
    public static Event of(String name, String distinctId, Map<String, ?> properties) {
        return new Event(newUuid(), name, distinctId, Instant.now(), copy(properties));
    }

    /** The same event with other properties (for a shrinker). */
    public Event withProperties(Map<String, ?> newProperties) {
        return new Event(uuid, name, distinctId, timestamp, copy(newProperties));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> copy(Map<String, ?> properties) {
        return (Map<String, Object>) properties;
    }

    /**
     * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time-ordered like the ids
     * PostHog's own SDKs send; drawn from {@link ThreadLocalRandom} because {@link UUID#randomUUID()} goes
     * through a shared {@code SecureRandom} on the request thread and uniqueness, not secrecy, is needed.
     */
    static UUID newUuid() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = System.currentTimeMillis();
        long high = (millis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
