package io.agnes.observability;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A browser's request body, streamed to PostHog chunk by chunk as the HTTP client asks for it, with an upper bound
 * enforced while streaming.
 *
 * <p>Not {@code BodyPublishers.ofInputStream}: that one reads on whatever thread asks for more, which can be the
 * HTTP client's selector thread, and one slow uploader would then stall every proxied request. Here every read of
 * the (blocking) servlet input stream runs on the given executor, one at a time; demand comes from the client, so
 * at most one chunk is in flight and memory stays at a chunk per request whatever the body's size.
 */
final class RequestBodyPublisher implements Flow.Publisher<ByteBuffer> {

    static final int CHUNK = 16 * 1024;

    /** Why the body stopped short. */
    enum Stop { NONE, TOO_LARGE, CLIENT_FAILED }

    private final InputStream in;
    private final long maxBytes;
    private final Executor executor;
    private final Runnable onProgress;
    private final AtomicLong read = new AtomicLong();
    private volatile Stop stop = Stop.NONE;

    RequestBodyPublisher(InputStream in, long maxBytes, Executor executor, Runnable onProgress) {
        this.in = in;
        this.maxBytes = maxBytes;
        this.executor = executor;
        this.onProgress = onProgress;
    }

    long bytesRead() {
        return read.get();
    }

    Stop stop() {
        return stop;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        subscriber.onSubscribe(new Pump(subscriber));
    }

    private final class Pump implements Flow.Subscription {

        private final Flow.Subscriber<? super ByteBuffer> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicInteger scheduled = new AtomicInteger();
        private volatile boolean done;

        Pump(Flow.Subscriber<? super ByteBuffer> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                finish(new IllegalArgumentException("non-positive request " + n));
                return;
            }
            demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            if (scheduled.getAndIncrement() == 0) {
                executor.execute(this::drain);
            }
        }

        @Override
        public void cancel() {
            done = true;
        }

        /** Runs on the executor, never twice at once: reads while there is demand, then leaves. */
        private void drain() {
            int missed = 1;
            do {
                while (!done && demand.get() > 0) {
                    byte[] buffer = new byte[CHUNK];
                    int n;
                    try {
                        n = in.read(buffer);
                    } catch (IOException e) {
                        stop = Stop.CLIENT_FAILED;
                        finish(e);
                        return;
                    }
                    if (n < 0) {
                        done = true;
                        subscriber.onComplete();
                        return;
                    }
                    if (read.addAndGet(n) > maxBytes) {
                        stop = Stop.TOO_LARGE;
                        finish(new IOException("the request body is larger than " + maxBytes + " bytes"));
                        return;
                    }
                    onProgress.run();
                    if (n > 0) {
                        demand.decrementAndGet();
                        subscriber.onNext(ByteBuffer.wrap(n == CHUNK ? buffer : Arrays.copyOf(buffer, n)));
                    }
                }
                missed = scheduled.addAndGet(-missed);
            } while (missed != 0);
        }

        private void finish(Throwable error) {
            if (!done) {
                done = true;
                subscriber.onError(error);
            }
        }
    }
}
