package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ObservabilityStatsResourceTest {

    @Test
    void reportsEveryCounterWithDropsAndSkipsByWireName() {
        Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
        for (DropReason reason : DropReason.values()) {
            dropped.put(reason, 0L);
        }
        dropped.put(DropReason.QUEUE_FULL, 7L);
        dropped.put(DropReason.SHUTDOWN, 2L);
        DeliveryStats delivery = new DeliveryStats(true, 120, 100, 3, dropped, 11, 8, 5120, Optional.of("HTTP 503"),
                Optional.of(Instant.parse("2026-11-27T12:00:00Z")));
        InjectionStats pages = new InjectionStats(40, Map.of(InjectionSkip.values()[0], 5L), 1);

        ObservabilityStatsResource.Stats stats = ObservabilityStatsResource.of(delivery, pages);

        assertThat(stats.enabled()).isTrue();
        assertThat(stats.captured()).isEqualTo(120);
        assertThat(stats.sent()).isEqualTo(100);
        assertThat(stats.retriedBatches()).isEqualTo(3);
        assertThat(stats.pending()).isEqualTo(11);
        assertThat(stats.pendingCompressed()).isEqualTo(8);
        assertThat(stats.pendingCompressedBytes()).isEqualTo(5120);
        assertThat(stats.droppedTotal()).isEqualTo(9);
        assertThat(stats.captured()).isEqualTo(stats.sent() + stats.droppedTotal() + stats.pending());
        assertThat(stats.dropped()).containsEntry("queue_full", 7L).containsEntry("shutdown", 2L)
                .containsKeys("too_large", "rejected", "error");
        assertThat(stats.lastError()).isEqualTo("HTTP 503");
        assertThat(stats.lastErrorAt()).isEqualTo("2026-11-27T12:00:00Z");
        assertThat(stats.pages().injected()).isEqualTo(40);
        assertThat(stats.pages().failed()).isEqualTo(1);
        assertThat(stats.pages().skipped()).containsEntry(InjectionSkip.values()[0].wireName(), 5L);
    }

    @Test
    void offReportsZerosAndNoError() {
        ObservabilityStatsResource.Stats stats = ObservabilityStatsResource.of(PostHogClient.off().counters(),
                new InjectionCounters().snapshot());
        assertThat(stats.enabled()).isFalse();
        assertThat(stats.captured()).isZero();
        assertThat(stats.lastError()).isNull();
    }
}
