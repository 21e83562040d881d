package io.agnes.observability;

import io.agnes.web.Settings;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link PostHogClient#capture(String, String, Map)} as a request thread calls it (the event built from a name, a
 * distinct id and a few properties), sampled per call for percentiles. PostHog is black-holed in both enabled
 * states (a local socket that accepts connections and never answers), so the sender never takes events away
 * while a state is measured:
 * <ul>
 *   <li>{@code enabledBacklogNotFull}: queue of 10 000, emptied by the benchmark (outside the timed call) every
 *       5 000 captures, so every capture is an append to a queue holding 0..5 000 events;</li>
 *   <li>{@code enabledBacklogFull}: queue of 1, full: every capture is refused and counted as dropped;</li>
 *   <li>{@code disabled}: {@link PostHogClient#off()}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CaptureBenchmark {

    static final Map<String, Object> PROPERTIES = Map.of("path", "/reports/42", "status", 200, "duration_ms", 37);

    /** A host that accepts TCP connections (the kernel's backlog does) and never answers. */
    @State(Scope.Benchmark)
    public static class BlackHole {
        ServerSocket socket;

        @Setup
        public void open() throws IOException {
            socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        }

        @TearDown
        public void close() throws IOException {
            socket.close();
        }

        PostHogClient client(int queueSize) {
            Map<String, String> env = Map.of(
                    "POSTHOG_API_KEY", "phc_benchmark0123456789abcdefghijklmnopqrstuv",
                    "POSTHOG_HOST", "http://127.0.0.1:" + socket.getLocalPort(),
                    "POSTHOG_QUEUE_SIZE", Integer.toString(queueSize),
                    "POSTHOG_BATCH_SIZE", "100",
                    "POSTHOG_FLUSH_INTERVAL", "0",
                    "POSTHOG_REQUEST_TIMEOUT", "10m", // the one batch in flight stays in flight
                    "POSTHOG_SHUTDOWN_TIMEOUT", "0");
            return PostHogClient.start(PostHogSettings.from(new Settings(name -> Optional.ofNullable(env.get(name)))));
        }
    }

    @State(Scope.Thread)
    public static class NotFull {
        static final int DRAIN_EVERY = 5_000;
        PostHogClient client;
        EventQueue queue;
        int sinceDrain;

        @Setup(Level.Trial)
        public void start(BlackHole host) throws ReflectiveOperationException {
            client = host.client(10_000);
            Field field = PostHogClient.class.getDeclaredField("queue");
            field.setAccessible(true);
            queue = (EventQueue) field.get(client);
        }

        /** Not timed: in SampleTime mode only the benchmark method's call is. */
        @Setup(Level.Invocation)
        public void keepRoom() throws InterruptedException {
            if (++sinceDrain >= DRAIN_EVERY) {
                sinceDrain = 0;
                EventQueue.Batch batch;
                while ((batch = queue.nextBatch(0, 0)).size() > 0) {
                    queue.done(batch.size());
                }
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (client.counters().droppedTotal() > 0) {
                throw new IllegalStateException("the not-full queue dropped events: " + client.counters());
            }
            client.stop();
        }
    }

    @State(Scope.Thread)
    public static class Full {
        PostHogClient client;

        @Setup(Level.Trial)
        public void start(BlackHole host) {
            client = host.client(1);
            for (int i = 0; i < 10; i++) { // the sender holds one in flight, the queue one more: full
                client.capture("filler", "user-0", PROPERTIES);
            }
        }

        @TearDown(Level.Trial)
        public void stop() {
            if (client.counters().droppedTotal() == 0) {
                throw new IllegalStateException("the full queue dropped nothing: " + client.counters());
            }
            client.stop();
        }
    }

    @State(Scope.Thread)
    public static class Off {
        final PostHogClient client = PostHogClient.off();
    }

    @Benchmark
    public void enabledBacklogNotFull(NotFull state) {
        state.client.capture("page_viewed", "user-42", PROPERTIES);
    }

    @Benchmark
    public void enabledBacklogFull(Full state) {
        state.client.capture("page_viewed", "user-42", PROPERTIES);
    }

    @Benchmark
    public void disabled(Off state) {
        state.client.capture("page_viewed", "user-42", PROPERTIES);
    }
}
