package io.agnes.testing;

import static jakarta.servlet.DispatcherType.ASYNC;
import static jakarta.servlet.DispatcherType.ERROR;
import static jakarta.servlet.DispatcherType.REQUEST;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The double follows the container rules other tests rely on. */
class InMemoryResponseTest {

    private final InMemoryResponse response = new InMemoryResponse();

    @Test
    void headers_are_case_insensitive_multi_valued_and_like_payara_never_removed() {
        response.addHeader("Vary", "Origin");
        response.addHeader("vary", "Accept-Encoding");
        response.setIntHeader("X-Count", 3);

        assertThat(response.getHeaders("VARY")).containsExactly("Origin", "Accept-Encoding");
        assertThat(response.getHeader("Vary")).isEqualTo("Origin");
        assertThat(response.getHeaderNames()).containsExactly("Vary", "X-Count");

        response.setHeader("Vary", null);
        assertThat(response.getHeaders("Vary")).containsExactly("Origin", "Accept-Encoding");
        response.setHeader("Vary", "*");
        assertThat(response.getHeaders("Vary")).containsExactly("*");
    }

    @Test
    void content_type_and_length_are_headers_too() {
        response.setHeader("Content-Type", "text/html; charset=UTF-8");
        response.setContentLength(42);

        assertThat(response.getContentType()).isEqualTo("text/html;charset=UTF-8");
        assertThat(response.getCharacterEncoding()).isEqualTo("UTF-8");
        assertThat(response.getHeader("content-length")).isEqualTo("42");
        response.setContentLengthLong(-1);
        assertThat(response.containsHeader("Content-Length")).isFalse();
    }

    @Test
    void the_writer_fixes_the_charset_and_announces_it() throws IOException {
        response.setContentType("text/plain");
        assertThat(response.getCharacterEncoding()).isEqualTo("ISO-8859-1");
        response.getWriter().print("é");
        response.setCharacterEncoding("UTF-8");
        response.setContentType("text/html;charset=UTF-16");

        assertThat(response.getContentType()).isEqualTo("text/html;charset=ISO-8859-1");
        assertThat(response.body()).containsExactly(0xE9);
    }

    @Test
    void writer_and_stream_exclude_each_other_until_reset() throws IOException {
        response.getWriter();
        assertThatThrownBy(response::getOutputStream).isInstanceOf(IllegalStateException.class);
        response.reset();
        response.getOutputStream();
        assertThatThrownBy(response::getWriter).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void the_buffer_commits_when_it_overflows_and_headers_then_freeze() throws IOException {
        response.setBufferSize(10);
        response.getOutputStream().write("0123456789".getBytes(UTF_8));
        assertThat(response.isCommitted()).isFalse();
        assertThat(response.sentBytes()).isEmpty();

        response.getOutputStream().write('A');
        assertThat(response.isCommitted()).isTrue();
        assertThat(new String(response.sentBytes(), UTF_8)).isEqualTo("0123456789");
        assertThat(new String(response.body(), UTF_8)).isEqualTo("0123456789A");

        response.setStatus(500);
        response.setHeader("X-Late", "ignored");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.containsHeader("X-Late")).isFalse();
        assertThatThrownBy(response::resetBuffer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(response::reset).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> response.setBufferSize(100)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void flush_buffer_sends_what_the_writer_holds() throws IOException {
        response.setCharacterEncoding("UTF-8");
        response.getWriter().print("Grüße");
        assertThat(response.sentBytes()).isEmpty();

        response.flushBuffer();
        assertThat(new String(response.sentBytes(), UTF_8)).isEqualTo("Grüße");
        assertThat(response.flushCount()).isEqualTo(1);
    }

    @Test
    void reset_buffer_drops_bytes_and_characters_still_in_the_writer_but_keeps_headers() throws IOException {
        response.setHeader("X-Kept", "yes");
        response.getWriter().print("dropped");
        response.resetBuffer();
        response.getWriter().print("kept");

        assertThat(response.bodyText()).isEqualTo("kept");
        assertThat(response.getHeader("X-Kept")).isEqualTo("yes");
    }

    @Test
    void the_declared_length_closes_the_response_once_written() throws IOException {
        response.setContentLength(3);
        response.getOutputStream().write("abcdef".getBytes(UTF_8), 0, 3);
        response.getOutputStream().write("def".getBytes(UTF_8));

        assertThat(response.isClosed()).isTrue();
        assertThat(new String(response.body(), UTF_8)).isEqualTo("abc");
    }

    @Test
    void send_error_clears_the_buffer_and_suspends_until_the_error_page() throws IOException {
        response.setHeader("X-Kept", "yes");
        response.getWriter().print("half a page");
        response.sendError(404, "gone");

        assertThat(response.isCommitted()).isTrue();
        assertThat(response.getStatus()).isEqualTo(404);
        assertThat(response.getErrorMessage()).isEqualTo("gone");
        response.getWriter().print("ignored");
        assertThat(response.body()).isEmpty();
        assertThatThrownBy(() -> response.sendError(500)).isInstanceOf(IllegalStateException.class);

        response.prepareErrorPage();
        response.getOutputStream().write("error page".getBytes(UTF_8)); // a fresh writer/stream choice
        assertThat(response.bodyText()).isEqualTo("error page");
        assertThat(response.getHeader("X-Kept")).isEqualTo("yes");
    }

    @Test
    void send_redirect_sets_location_and_may_keep_the_buffer() throws IOException {
        response.getOutputStream().write("kept".getBytes(UTF_8));
        response.sendRedirect("/next", 303, false);

        assertThat(response.getStatus()).isEqualTo(303);
        assertThat(response.getHeader("Location")).isEqualTo("/next");
        assertThat(new String(response.body(), UTF_8)).isEqualTo("kept");
    }

    @Test
    void a_request_dispatch_ends_the_response_unless_async_or_an_error_page_follows() throws Exception {
        InMemoryRequest plain = InMemoryRequest.get("/");
        plain.dispatch(REQUEST, () -> plain.response().getWriter().print("done"));
        assertThat(plain.response().isClosed()).isTrue();
        assertThat(new String(plain.response().sentBytes(), UTF_8)).isEqualTo("done");

        InMemoryRequest failing = InMemoryRequest.get("/");
        failing.dispatch(REQUEST, () -> failing.response().sendError(404));
        assertThat(failing.response().isClosed()).isFalse();
        failing.dispatch(ERROR, () -> failing.response().getWriter().print("not found"));
        assertThat(failing.response().isClosed()).isTrue();
        assertThat(failing.response().bodyText()).isEqualTo("not found");
    }

    @Test
    void async_complete_is_deferred_until_the_dispatch_returns_then_listeners_hear_it() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/");
        List<String> events = new ArrayList<>();
        request.dispatch(REQUEST, () -> {
            AsyncContext async = request.startAsync();
            async.addListener(recording(events));
            async.complete();
            assertThat(request.isAsyncStarted()).isFalse();
            assertThat(events).isEmpty();
        });

        assertThat(events).containsExactly("complete");
        assertThat(request.response().isClosed()).isTrue();
    }

    @Test
    void an_async_dispatch_without_a_new_start_completes_the_cycle() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/");
        List<String> events = new ArrayList<>();
        request.dispatch(REQUEST, () -> {
            AsyncContext async = request.startAsync();
            async.addListener(recording(events));
            assertThatThrownBy(request::startAsync).isInstanceOf(IllegalStateException.class);
            async.dispatch("/later");
        });
        assertThat(events).isEmpty();
        assertThat(((InMemoryAsyncContext) request.getAsyncContext()).dispatchedPath()).isEqualTo("/later");

        request.dispatch(ASYNC, () -> request.response().getWriter().print("later"));
        assertThat(events).containsExactly("complete");
        assertThat(request.response().bodyText()).isEqualTo("later");
    }

    @Test
    void a_new_async_cycle_tells_listeners_who_must_register_again() throws Exception {
        InMemoryRequest request = InMemoryRequest.get("/");
        List<String> events = new ArrayList<>();
        request.dispatch(REQUEST, () -> {
            AsyncContext async = request.startAsync();
            async.addListener(recording(events));
            async.dispatch();
        });
        request.dispatch(ASYNC, request::startAsync);
        request.getAsyncContext().complete();

        assertThat(events).containsExactly("start"); // it did not register again, so it hears nothing more
    }

    @Test
    void start_async_is_refused_where_async_is_not_supported() {
        InMemoryRequest request = InMemoryRequest.get("/").asyncSupported(false);
        assertThatThrownBy(request::startAsync).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void request_headers_are_case_insensitive_and_multi_valued() {
        InMemoryRequest request = InMemoryRequest.get("/search?q=gr%C3%BC%C3%9Fe&page=2")
                .header("Accept-Encoding", "br").header("accept-encoding", "gzip");

        assertThat(java.util.Collections.list(request.getHeaders("ACCEPT-ENCODING"))).containsExactly("br", "gzip");
        assertThat(request.getParameter("q")).isEqualTo("grüße");
        assertThat(request.getRequestURI()).isEqualTo("/search");
        assertThat(request.getQueryString()).isEqualTo("q=gr%C3%BC%C3%9Fe&page=2");
    }

    private static AsyncListener recording(List<String> events) {
        return new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                events.add("complete");
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                events.add("timeout");
            }

            @Override
            public void onError(AsyncEvent event) {
                events.add("error");
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                events.add("start");
            }
        };
    }
}
