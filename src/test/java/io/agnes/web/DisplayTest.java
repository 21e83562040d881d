package io.agnes.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class DisplayTest {

    @Test
    void timesShowInUtcToTheSecondAndSaySo() {
        assertThat(Display.instant(Instant.parse("2024-01-31T13:45:07.123456Z"))).isEqualTo("2024-01-31 13:45:07 UTC");
    }

    @Test
    void durationsUseTheUnitAPersonWouldSay() {
        assertThat(Display.duration(0L)).isEqualTo("0 ms");
        assertThat(Display.duration(850L)).isEqualTo("850 ms");
        assertThat(Display.duration(12_345L)).isEqualTo("12.3 s");
        assertThat(Display.duration(59_970L)).isEqualTo("1 min 00 s");
        assertThat(Display.duration(125_000L)).isEqualTo("2 min 05 s");
        assertThat(Display.duration(3_720_000L)).isEqualTo("1 h 02 min");
    }

    @Test
    void countsAreGroupedByThousands() {
        assertThat(Display.count(0L)).isEqualTo("0");
        assertThat(Display.count(1_234_567L)).isEqualTo("1,234,567");
    }

    @Test
    void missingValuesShowAsADash() {
        assertThat(Display.instant(null)).isEqualTo("—");
        assertThat(Display.duration(null)).isEqualTo("—");
        assertThat(Display.duration(-1L)).isEqualTo("—");
        assertThat(Display.count(null)).isEqualTo("—");
    }
}
