package io.agnes.observability;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which flag exposures ({@code distinct id + flag + value}) were already reported, forgetting the least recently
 * seen beyond a capacity, so memory stays bounded however many users and flags there are. A forgotten exposure
 * seen again is reported again: a duplicate PostHog tolerates, unlike an unbounded set.
 */
final class FlagExposures {

    /** PostHog's server SDKs keep about this many. */
    static final int CAPACITY = 50_000;

    private final Map<String, Boolean> seen;

    FlagExposures(int capacity) {
        seen = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** {@code true} the first time {@code exposure} is seen (or again once it was forgotten). */
    synchronized boolean firstSighting(String exposure) {
        return seen.put(exposure, Boolean.TRUE) == null;
    }
}
