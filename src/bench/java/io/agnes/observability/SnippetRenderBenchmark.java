package io.agnes.observability;

import io.agnes.web.Settings;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The snippet alone, as {@link SnippetInjectionBenchmark} renders it once per response: tells how much of the
 * injector's fixed per-response cost (time and allocation) is the rendering rather than the streaming.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SnippetRenderBenchmark {

    PostHogSettings settings;
    SnippetRenderer.Prepared prepared;
    SnippetContext.User user = new SnippetContext.User("42", "zoe@example.com", "Zoë");

    @Setup
    public void setUp() {
        Map<String, String> env = Map.of("POSTHOG_API_KEY", "phc_benchmark0123456789abcdefghijklmnopqrstuv");
        settings = PostHogSettings.from(new Settings(name -> Optional.ofNullable(env.get(name))));
        prepared = SnippetRenderer.prepare(SnippetContext.of(settings, null, null, Map.of(), null));
    }

    /**
     * What every page costs in the server: the deployment's snippet is prepared once, each page adds its nonce to
     * the pieces kept (shared, per user, per host), none of them copied.
     */
    @Benchmark
    public Snippet render() {
        return prepared.render(user, "agnes.example.com", Map.of(), "bm9uY2Vub25jZW5vbmNl");
    }

    /** Everything rendered afresh, as every page did before the shared part was prepared once. */
    @Benchmark
    public String renderWhole() {
        return SnippetRenderer.render(SnippetContext.of(settings, user, "agnes.example.com", Map.of(), "bm9uY2Vub25jZW5vbmNl"));
    }
}
