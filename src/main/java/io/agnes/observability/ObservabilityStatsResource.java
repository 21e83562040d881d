package io.agnes.observability;

import io.agnes.auth.AdminOnly;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/admin/observability/stats}: the counters of the operator page as JSON, for scripts and the load
 * benchmark (docs/performance.md), which checks {@code captured = sent + dropped_total + pending} under faults.
 */
@Path("api/admin/observability/stats")
@Produces(MediaType.APPLICATION_JSON)
@AdminOnly
public class ObservabilityStatsResource {

    @Inject
    PostHog posthog;

    @Inject
    InjectionCounters injectionCounters;

    /**
     * @param dropped by reason (wire names), every reason present
     * @param pages   injected / failed / skipped by reason (wire names)
     */
    public record Stats(boolean enabled, long captured, long sent, long retriedBatches, long pending,
                        long pendingCompressed, long pendingCompressedBytes, long droppedTotal,
                        Map<String, Long> dropped, String lastError, String lastErrorAt, Pages pages) {
    }

    public record Pages(long injected, long failed, Map<String, Long> skipped) {
    }

    @GET
    public Stats stats() {
        return of(posthog.counters(), injectionCounters.snapshot());
    }

    static Stats of(DeliveryStats delivery, InjectionStats injection) {
        Map<String, Long> dropped = new LinkedHashMap<>();
        delivery.dropped().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> dropped.put(e.getKey().wireName(), e.getValue()));
        Map<String, Long> skipped = new LinkedHashMap<>();
        injection.skipped().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> skipped.put(e.getKey().wireName(), e.getValue()));
        return new Stats(delivery.enabled(), delivery.captured(), delivery.sent(), delivery.retriedBatches(),
                delivery.pending(), delivery.pendingCompressed(), delivery.pendingCompressedBytes(), delivery.droppedTotal(), dropped, delivery.lastError().orElse(null),
                delivery.lastErrorAt().map(Object::toString).orElse(null),
                new Pages(injection.injected(), injection.failed(), skipped));
    }
}
