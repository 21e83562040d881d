package io.agnes.observability;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same-origin PostHog proxy: forwards a browser's request below {@code POSTHOG_PROXY_PATH} to PostHog (the
 * {@link ProxyRoute}'s API or assets host, nothing else) and streams the answer back.
 *
 * <h2>What is forwarded</h2>
 * <ul>
 * <li>Methods GET, HEAD, POST, OPTIONS; anything else is 405. The path below the proxy path and the query string,
 * only when {@link ProxyRoute#upstream} accepts them (else 404): it is not an open proxy.</li>
 * <li>Request headers, an allow-list: {@code Content-Type}, {@code Content-Encoding}, {@code User-Agent},
 * {@code Accept}, {@code Accept-Encoding}, {@code Accept-Language}, {@code If-None-Match},
 * {@code If-Modified-Since}. {@code Host} is the upstream's (the HTTP client sets it from the URL). NEVER
 * {@code Cookie}, {@code Authorization} (Agnes' session and tokens), {@code Origin}, {@code Referer} (Agnes' URLs,
 * whose query strings may carry tokens), hop-by-hop or any other header.</li>
 * <li>{@code X-Forwarded-For}: the incoming chain (IP literals only, at most {@value ProxyHeaders#MAX_FORWARDED_HOPS} entries,
 * else it is dropped) followed by the address the request came from. PostHog geolocates browser events by the
 * first address; a browser that forges the header can only misplace its own events, and behind a load balancer
 * that appends the real client address the chain stays correct.</li>
 * <li>{@code Via}: the incoming chain, then this proxy as {@code 1.1 agnes-<random>} (a pseudonym drawn at start,
 * never sent to browsers). A request whose incoming {@code Via} already names this proxy has come back to it:
 * {@code POSTHOG_HOST} leads to Agnes itself (this or another Agnes' proxy path) instead of PostHog. Without this
 * every hop would forward again and hold a thread each until the server ran out; the request is answered
 * {@code 508 Loop Detected} at once, counted as refused, and the operator warned (at most once a minute) what to
 * set. A chain of {@value ProxyHeaders#MAX_VIA_HOPS} hops or more is refused the same way: a loop through that many proxies.</li>
 * <li>Request bodies are streamed ({@link RequestBodyPublisher}): no whole-body buffer; a body above
 * {@code maxRequestBytes} (64 MB, PostHog's advice for replay) is refused with 413, by its {@code Content-Length}
 * before anything is sent, or while streaming.</li>
 * </ul>
 *
 * <h2>What comes back</h2>
 * The status, the body streamed as it arrives (bytes untouched: a gzip body keeps its {@code Content-Encoding}), and
 * an allow-list of headers: {@code Content-Type}, {@code Content-Encoding}, {@code Content-Length},
 * {@code Cache-Control}, {@code ETag}, {@code Last-Modified}, {@code Expires}, {@code Vary}, {@code Retry-After},
 * {@code X-Content-Type-Options}. NEVER {@code Set-Cookie}; redirects are passed on, never followed; no session is
 * ever created.
 *
 * <h2>Failures and time limits</h2>
 * PostHog unreachable or failing → 502, no answer → 504, both with a small JSON body; posthog-js retries. An
 * exchange that makes no progress (no body bytes either way, no answer) for {@code timeout} is aborted, so a
 * container thread is never held longer than that past the last byte; a slow but moving upload is not cut. Failures
 * are counted and logged at most once a minute ({@link ProxyCounters}). A browser that goes away ends the exchange
 * quietly.
 *
 * <h2>Threads</h2>
 * One {@link HttpClient} (no cookie store, no redirects, no system proxy) on a small daemon pool; the request thread
 * waits for the answer and writes it. {@link #stop()} ends the client and every thread (undeploy).
 */
public final class PostHogProxy {

    static final long MAX_REQUEST_BYTES = 64L * 1024 * 1024;
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "OPTIONS");

    private final ProxyRoute route;
    private final Duration timeout;
    private final long maxRequestBytes;
    private final ProxyCounters counters;
    private final ExecutorService executor;
    private final ScheduledExecutorService watchdog;
    private final HttpClient client;
    private final Set<Exchange> active = ConcurrentHashMap.newKeySet();
    /** This proxy's entry in the {@code Via} chain of what it forwards. */
    private final String via = "1.1 agnes-" + HexFormat.of().formatHex(randomBytes(6));

    /**
     * @param timeout the longest an exchange may go without progress (and the connect time limit); above zero
     */
    public PostHogProxy(ProxyRoute route, Duration timeout, long maxRequestBytes, ProxyCounters counters) {
        this.route = route;
        this.timeout = timeout;
        this.maxRequestBytes = maxRequestBytes;
        this.counters = counters;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(task -> daemon(task, "posthog-proxy-" + threads.incrementAndGet()));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "posthog-proxy-watchdog"));
        this.client = HttpClient.newBuilder()
                .executor(executor)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER) // a redirect is the browser's business, never another upstream
                .build();
        long period = Math.clamp(timeout.toMillis() / 4, 20, 1000);
        watchdog.scheduleWithFixedDelay(this::abortStalled, period, period, TimeUnit.MILLISECONDS);
    }

    /** With PostHog's 64 MB request limit. */
    public static PostHogProxy start(ProxyRoute route, Duration timeout, ProxyCounters counters) {
        return new PostHogProxy(route, timeout, MAX_REQUEST_BYTES, counters);
    }

    public ProxyRoute route() {
        return route;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Ends the HTTP client and every thread of the proxy; exchanges still running are aborted. */
    public void stop() {
        active.forEach(Exchange::abort);
        watchdog.shutdownNow();
        client.shutdownNow();
        executor.shutdownNow();
    }

    /** Answers one request below the proxy path. Never throws for anything PostHog or the browser did. */
    public void forward(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod().toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            response.setHeader("Allow", "GET, HEAD, POST, OPTIONS");
            refuse(response, 405, "Method not allowed by Agnes' PostHog proxy");
            return;
        }
        String uri = request.getRequestURI();
        String context = request.getContextPath() == null ? "" : request.getContextPath();
        Optional<URI> target = uri.startsWith(context)
                ? route.upstream(uri.substring(context.length()), request.getQueryString()) : Optional.empty();
        if (target.isEmpty()) {
            refuse(response, 404, "Not a PostHog path");
            return;
        }
        List<String> viaChain = ProxyHeaders.viaChain(request.getHeaders("Via"));
        if (viaChain.contains(via) || viaChain.size() >= ProxyHeaders.MAX_VIA_HOPS) {
            counters.loopRefused(route.apiUpstream(), viaChain.size());
            answer(response, 508, "Agnes' PostHog proxy forwards to itself: POSTHOG_HOST must be PostHog, not Agnes");
            return;
        }
        long declared = request.getContentLengthLong();
        if (declared > maxRequestBytes) {
            refuse(response, 413, "Request body larger than " + maxRequestBytes + " bytes");
            return;
        }

        Exchange exchange = new Exchange();
        HttpRequest.Builder upstream = HttpRequest.newBuilder(target.get());
        if ("http".equalsIgnoreCase(target.get().getScheme())) {
            upstream.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance with plain-HTTP upstreams
        }
        ProxyHeaders.copyRequestHeaders(request, upstream);
        upstream.header("X-Forwarded-For", ProxyHeaders.forwardedFor(request.getHeaders("X-Forwarded-For"),
                request.getRemoteAddr()));
        viaChain.add(via);
        upstream.header("Via", String.join(", ", viaChain));
        RequestBodyPublisher body = null;
        if (method.equals("POST") && declared != 0) {
            body = new RequestBodyPublisher(request.getInputStream(), maxRequestBytes, executor, exchange::progress);
            upstream.method(method, declared > 0 ? HttpRequest.BodyPublishers.fromPublisher(body, declared)
                    : HttpRequest.BodyPublishers.fromPublisher(body));
        } else {
            upstream.method(method, HttpRequest.BodyPublishers.noBody());
        }

        String where = target.get().getScheme() + "://" + target.get().getRawAuthority() + target.get().getRawPath();
        active.add(exchange);
        try {
            HttpResponse<InputStream> answer;
            try {
                CompletableFuture<HttpResponse<InputStream>> pending = client.sendAsync(upstream.build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                exchange.pending = pending;
                if (exchange.aborted) {
                    pending.cancel(true);
                }
                answer = pending.get();
            } catch (ExecutionException | IllegalStateException | IllegalArgumentException e) { // CancellationException: the watchdog
                failed(response, body, exchange, where, e);
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed(response, body, exchange, where, e);
                return;
            }
            counters.forwarded();
            if (body != null) {
                counters.bytesUp(body.bytesRead());
            }
            relay(answer, response, method, exchange, where);
        } finally {
            active.remove(exchange);
        }
    }

    private void failed(HttpServletResponse response, RequestBodyPublisher body, Exchange exchange, String where,
            Exception error) throws IOException {
        if (body != null && body.stop() == RequestBodyPublisher.Stop.TOO_LARGE) {
            refuse(response, 413, "Request body larger than " + maxRequestBytes + " bytes");
            return;
        }
        if (body != null && body.stop() == RequestBodyPublisher.Stop.CLIENT_FAILED) {
            return; // the browser went away while sending: nobody to answer, nothing wrong with PostHog
        }
        Throwable cause = error instanceof ExecutionException && error.getCause() != null ? error.getCause() : error;
        boolean timedOut = exchange.aborted || cause instanceof java.net.http.HttpTimeoutException;
        counters.upstreamFailed(where, timedOut ? "did not answer within " + timeout.toMillis() + " ms"
                : "could not be reached", cause);
        if (!response.isCommitted()) {
            response.resetBuffer();
            answer(response, timedOut ? 504 : 502, "PostHog did not answer Agnes' proxy; try again later");
        }
    }

    /** Streams PostHog's answer to the browser. */
    private void relay(HttpResponse<InputStream> answer, HttpServletResponse response, String method, Exchange exchange,
            String where) throws IOException {
        try (InputStream in = answer.body()) {
            exchange.upstreamBody = in;
            if (exchange.aborted) {
                in.close();
            }
            response.setStatus(answer.statusCode());
            ProxyHeaders.copyResponseHeaders(answer.headers(), response);
            answer.headers().firstValueAsLong("Content-Length").ifPresent(length -> {
                if (!method.equals("HEAD")) {
                    response.setContentLengthLong(length);
                }
            });
            if (method.equals("HEAD")) {
                return;
            }
            OutputStream out;
            try {
                out = response.getOutputStream();
            } catch (IOException | IllegalStateException e) {
                return;
            }
            byte[] buffer = new byte[RequestBodyPublisher.CHUNK];
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    counters.upstreamFailed(where, exchange.aborted ? "stalled while sending its answer"
                            : "broke off its answer", e);
                    if (!response.isCommitted()) {
                        response.reset();
                        answer(response, exchange.aborted ? 504 : 502, "PostHog did not finish its answer; try again later");
                    }
                    return;
                }
                if (n < 0) {
                    break;
                }
                exchange.progress();
                try {
                    out.write(buffer, 0, n);
                    if (in.available() == 0) {
                        out.flush(); // what PostHog sent so far reaches the browser now, not when a buffer fills
                    }
                } catch (IOException clientGone) {
                    return; // the browser went away; closing the upstream stream ends that exchange too
                }
                counters.bytesDown(n);
            }
        }
    }

    private void refuse(HttpServletResponse response, int status, String detail) throws IOException {
        counters.refused();
        answer(response, status, detail);
    }

    /** Agnes' own answer: a small JSON body, set with setStatus (sendError would render Agnes' HTML error page). */
    private static void answer(HttpServletResponse response, int status, String detail) throws IOException {
        byte[] json = ("{\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(json.length);
        try {
            response.getOutputStream().write(json);
        } catch (IOException | IllegalStateException clientGone) {
            // nobody to tell
        }
    }

    private void abortStalled() {
        long limit = timeout.toNanos();
        long now = System.nanoTime();
        for (Exchange exchange : active) {
            if (now - exchange.lastProgress > limit) {
                exchange.abort();
            }
        }
    }

    /** One forwarded request in flight, as the watchdog sees it. */
    private static final class Exchange {

        volatile long lastProgress = System.nanoTime();
        volatile boolean aborted;
        volatile CompletableFuture<?> pending;
        volatile InputStream upstreamBody;

        void progress() {
            lastProgress = System.nanoTime();
        }

        void abort() {
            aborted = true;
            CompletableFuture<?> future = pending;
            if (future != null) {
                future.cancel(true);
            }
            InputStream body = upstreamBody;
            if (body != null) {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // closing is all we wanted
                }
            }
        }
    }
}
