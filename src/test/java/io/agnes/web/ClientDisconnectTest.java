package io.agnes.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class ClientDisconnectTest {

    /** Catalina's own type, by name: Agnes does not compile against the container's classes. */
    static final class ClientAbortException extends IOException {
        ClientAbortException(Throwable cause) {
            super(cause);
        }
    }

    @Test
    void aClientThatHungUpIsRecognisedHoweverDeeplyItIsWrapped() {
        assertThat(ClientDisconnect.caused(new ClientAbortException(null))).isTrue();
        assertThat(ClientDisconnect.caused(new IOException("Broken pipe"))).isTrue();
        assertThat(ClientDisconnect.caused(new SocketException("Connection reset by peer"))).isTrue();
        assertThat(ClientDisconnect.caused(new RuntimeException("writing the page",
                new UncheckedIOException(new IOException("Connection reset by peer"))))).isTrue();
    }

    @Test
    void realFailuresStayErrors() {
        assertThat(ClientDisconnect.caused(new IOException("No space left on device"))).isFalse();
        assertThat(ClientDisconnect.caused(new IllegalStateException("Broken pipe"))).as("not an I/O failure").isFalse();
        assertThat(ClientDisconnect.caused(new RuntimeException("boom"))).isFalse();
        assertThat(ClientDisconnect.caused(null)).isFalse();
    }
}
