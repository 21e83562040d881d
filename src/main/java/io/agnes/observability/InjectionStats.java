package io.agnes.observability;

import java.util.Map;

/**
 * A snapshot of the snippet injector's counters, for logs and the operator page. Each response the injector
 * wrapped (or declined to wrap) is counted once, when it ends: {@code injected + failed + skippedTotal()}.
 *
 * @param injected responses that got the snippet
 * @param skipped  responses left byte-identical, by reason (every reason present, zero included)
 * @param failed   responses served unmodified because the snippet could not be rendered
 */
public record InjectionStats(long injected, Map<InjectionSkip, Long> skipped, long failed) {

    public InjectionStats {
        skipped = Map.copyOf(skipped);
    }

    public long skipped(InjectionSkip reason) {
        return skipped.getOrDefault(reason, 0L);
    }

    public long skippedTotal() {
        return skipped.values().stream().mapToLong(Long::longValue).sum();
    }
}
