package io.agnes.load;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The steady load of the fault runs: a few closed-loop workers fetching pages (30 KB HTML, with and without gzip) and
 * the JSON API, plus a fixed rate of {@code /api/debug/throw} 500s, each of which Agnes captures as one
 * {@code $exception}. A page answered other than 200, a throw answered other than 500, or any I/O error or
 * timeout is a failed request. Counts and latencies are kept per {@link Window}.
 */
final class LoadMix implements AutoCloseable {

    private static final List<String[]> PAGES = List.of(
            new String[] {"/debug/page?kb=30", "identity"},
            new String[] {"/debug/page?kb=30", "gzip"},
            new String[] {"/api/catalog", "gzip"});

    /** What happened during one stretch of time. */
    static final class Window {
        final String name;
        final long startNanos = System.nanoTime();
        final AtomicLong pages = new AtomicLong();
        final AtomicLong errorsRequested = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final ConcurrentLinkedQueue<Long> pageMicros = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

        Window(String name) {
            this.name = name;
        }

        double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        /** The q-quantile of page latencies in ms (q in 0..1), NaN when none. */
        double pageMillis(double q) {
            List<Long> sorted = new ArrayList<>(pageMicros);
            if (sorted.isEmpty()) {
                return Double.NaN;
            }
            Collections.sort(sorted);
            int index = (int) Math.max(0, Math.ceil(q * sorted.size()) - 1);
            return sorted.get(index) / 1000.0;
        }

        void fail(String what) {
            failed.incrementAndGet();
            if (failures.size() < 5) {
                failures.add(what);
            }
        }
    }

    private final AgnesProcess agnes;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final List<Thread> threads = new ArrayList<>();
    private final double throwsPerSecond;
    private volatile boolean running = true;
    private volatile boolean throwing = true;
    private volatile Window window = new Window("start");

    LoadMix(AgnesProcess agnes, int pageWorkers, double throwsPerSecond) {
        this.agnes = agnes;
        this.throwsPerSecond = throwsPerSecond;
        for (int i = 0; i < pageWorkers; i++) {
            int first = i;
            threads.add(Thread.ofVirtual().name("load-page-" + i).start(() -> pages(first)));
        }
        threads.add(Thread.ofVirtual().name("load-throw").start(this::throwing));
    }

    /** Starts a new window; returns the one that ends. */
    Window next(String name) {
        Window ended = window;
        window = new Window(name);
        return ended;
    }

    /** Stops or resumes the captured errors (pages go on), e.g. to let the backlog drain before counting. */
    void throwing(boolean on) {
        throwing = on;
    }

    private void pages(int first) {
        int i = first;
        while (running) {
            String[] page = PAGES.get(i++ % PAGES.size());
            Window w = window;
            long start = System.nanoTime();
            try {
                HttpResponse<byte[]> response = http.send(request(page[0]).header("Accept-Encoding", page[1]).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                w.pageMicros.add((System.nanoTime() - start) / 1000);
                w.pages.incrementAndGet();
                if (response.statusCode() != 200) {
                    w.fail(page[0] + " answered " + response.statusCode());
                }
            } catch (IOException e) {
                w.fail(page[0] + ": " + e);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void throwing() {
        long interval = (long) (1e9 / throwsPerSecond);
        long next = System.nanoTime();
        while (running) {
            next += interval;
            long wait = next - System.nanoTime();
            try {
                if (wait > 0) {
                    Thread.sleep(Duration.ofNanos(wait)); // pacing a fixed request rate, not synchronisation
                }
                if (!throwing) {
                    continue;
                }
                Window w = window;
                HttpResponse<Void> response = http.send(request("/api/debug/throw?kind=ValueError&msg=load").build(),
                        HttpResponse.BodyHandlers.discarding());
                w.errorsRequested.incrementAndGet();
                if (response.statusCode() != 500) {
                    w.fail("/api/debug/throw answered " + response.statusCode());
                }
            } catch (IOException e) {
                window.fail("/api/debug/throw: " + e);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(agnes.uri(path)).header("Cookie", agnes.cookieHeader()).timeout(Duration.ofSeconds(30));
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(40));
        }
        http.close();
    }
}
