package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agnes.observability.EventPacker.PackedEvent;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventPackerTest {

    private final EventPacker packer = new EventPacker();

    @AfterEach
    void freeNativeMemory() {
        packer.close();
    }

    private static byte[] exceptionItem() {
        Throwable error = new IllegalStateException("ValueError: no such column", new RuntimeException("cause"));
        return EventJson.item(Event.of("$exception", "user-1", ExceptionProperties.of(error, false)), "1.0");
    }

    @Test
    void anExceptionEventComesBackByteForByteFromAFractionOfItsSize() {
        byte[] item = exceptionItem();

        PackedEvent packed = packer.pack(item);

        assertThat(packed.length()).isEqualTo(item.length);
        assertThat(packed.compressed().length).as("a stack trace's JSON compresses well").isLessThan(item.length / 4);
        assertThat(packer.unpack(packed)).isEqualTo(item);
    }

    @Test
    void onePackerServesEventsOfAnySizeOneAfterAnother() {
        byte[] incompressible = new byte[100_000]; // larger than the packer's first buffer, even compressed
        new Random(7).nextBytes(incompressible);
        byte[] small = EventJson.item(Event.of("agnes_test_event", "u", Map.of()), "1.0");
        byte[] exception = exceptionItem();

        PackedEvent[] packed = {packer.pack(incompressible), packer.pack(small), packer.pack(exception)};

        assertThat(packer.unpack(packed[2])).isEqualTo(exception);
        assertThat(packer.unpack(packed[0])).isEqualTo(incompressible);
        assertThat(packer.unpack(packed[1])).isEqualTo(small);
    }

    @Test
    void aDamagedOrTruncatedPackIsAnErrorNotDamagedJson() {
        byte[] item = exceptionItem();
        PackedEvent packed = packer.pack(item);
        byte[] damaged = packed.compressed().clone();
        damaged[damaged.length / 2] ^= 0x55;
        byte[] truncated = Arrays.copyOf(packed.compressed(), packed.compressed().length - 8);

        assertThatThrownBy(() -> packer.unpack(new PackedEvent(damaged, packed.length())))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> packer.unpack(new PackedEvent(truncated, packed.length())))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> packer.unpack(new PackedEvent(packed.compressed(), packed.length() - 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("and more");
        assertThat(packer.unpack(packed)).as("the packer still works after those").isEqualTo(item);
    }
}
