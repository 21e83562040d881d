package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.ejb.EJBException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SeenThrowablesTest {

    private final SeenThrowables seen = new SeenThrowables();

    @Test
    void theSameThrowableIsSentOnceEvenWhenTwoLayersSeeIt() {
        var failure = new IllegalStateException("rebuild failed");

        assertThat(seen.firstSighting(failure)).isTrue();
        assertThat(seen.firstSighting(failure)).isFalse();
    }

    @Test
    void aWrapperOfAnAlreadySentFailureIsSkipped() {
        var failure = new IllegalStateException("rebuild failed");
        seen.firstSighting(failure); // the orchestrator's interceptor

        // the container wraps it, the 500 mapper sees the wrapper
        assertThat(seen.firstSighting(new EJBException(new RuntimeException("wrapped", failure)))).isFalse();
    }

    @Test
    void aCauseOfAnAlreadySentWrapperIsSkipped() {
        var failure = new IllegalStateException("inner");
        seen.firstSighting(new RuntimeException("outer", failure));

        assertThat(seen.firstSighting(failure)).isFalse();
    }

    @Test
    void distinctFailuresAreAllSentEvenWhenTheirClassSaysTheyAreEqual() {
        assertThat(seen.firstSighting(new AlwaysEqual("one"))).isTrue();
        assertThat(seen.firstSighting(new AlwaysEqual("two"))).isTrue();
        assertThat(seen.firstSighting(new RuntimeException("wraps a third", new AlwaysEqual("three")))).isTrue();
    }

    @Test
    void aCauseCycleDoesNotHang() {
        var a = new Cyclic();
        var b = new Cyclic();
        a.cause = b;
        b.cause = a;

        assertThat(seen.firstSighting(a)).isTrue();
        assertThat(seen.firstSighting(b)).isFalse();
    }

    @Test
    void nullIsNeverSent() {
        assertThat(seen.firstSighting(null)).isFalse();
    }

    @Test
    void rememberedThrowablesAreNotKeptAlive() {
        WeakReference<Throwable> ref = rememberAndDrop();

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).until(() -> {
            System.gc();
            return ref.get() == null && seen.size() == 0;
        });
    }

    private WeakReference<Throwable> rememberAndDrop() {
        Throwable failure = new RuntimeException("short-lived", new IllegalStateException("cause"));
        seen.firstSighting(failure);
        assertThat(seen.size()).isEqualTo(2);
        return new WeakReference<>(failure);
    }

    private static final class AlwaysEqual extends RuntimeException {
        AlwaysEqual(String message) {
            super(message);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof AlwaysEqual;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    private static final class Cyclic extends RuntimeException {
        Throwable cause;

        @Override
        public synchronized Throwable getCause() {
            return cause;
        }
    }
}
