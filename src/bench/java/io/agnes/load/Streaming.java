package io.agnes.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Raw-socket clients for the streamed 10 MB page: time to first byte, and readers that stop reading. */
final class Streaming {

    private Streaming() {
    }

    /** Times of one fetch, in ms: to the first byte of the response, and to its last byte. */
    record Fetch(double firstByteMillis, double totalMillis, long bytes) {
    }

    static Fetch fetch(AgnesProcess agnes, String path, boolean gzip) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", agnes.port), 10_000);
            socket.setSoTimeout(60_000);
            long start = System.nanoTime();
            send(socket, agnes, path, gzip);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            int n = in.read(buffer);
            long first = System.nanoTime();
            long bytes = Math.max(n, 0);
            while (n >= 0) {
                n = in.read(buffer);
                bytes += Math.max(n, 0);
            }
            return new Fetch((first - start) / 1e6, (System.nanoTime() - start) / 1e6, bytes);
        }
    }

    /**
     * Opens {@code count} requests for {@code path} and reads only the first bytes of each, so every response stays
     * in flight on the server, its thread blocked writing into a full socket (small receive buffer). Close to end them.
     */
    static List<Socket> stalledReaders(AgnesProcess agnes, String path, int count) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096); // small, so a reader that stops reading stops the server's writes soon
            socket.connect(new InetSocketAddress("127.0.0.1", agnes.port), 10_000);
            socket.setSoTimeout(60_000);
            send(socket, agnes, path, false);
            sockets.add(socket);
        }
        for (Socket socket : sockets) {
            if (socket.getInputStream().read(new byte[1024]) < 0) {
                throw new IOException("a stalled reader's response ended at once");
            }
        }
        return sockets;
    }

    /**
     * Opens {@code count} requests for a slowly produced page and reads every byte as it comes, each on its own
     * virtual thread, once all have started: the responses are in flight because the application is still writing.
     */
    static List<Socket> drainedReaders(AgnesProcess agnes, String path, int count) throws IOException {
        List<Socket> sockets = stalledReaders(agnes, path, count);
        for (Socket socket : sockets) {
            Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[16 * 1024];
                try (InputStream in = socket.getInputStream()) {
                    while (in.read(buffer) >= 0) {
                        // discard
                    }
                } catch (IOException closed) {
                    // closed by closeAll
                }
            });
        }
        return sockets;
    }

    static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0); // reset: the server's blocked write fails at once
                socket.close();
            } catch (IOException ignored) {
                // already gone
            }
        }
    }

    private static void send(Socket socket, AgnesProcess agnes, String path, boolean gzip) throws IOException {
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + agnes.port + "\r\nCookie: " + agnes.cookieHeader()
                + "\r\n" + (gzip ? "Accept-Encoding: gzip\r\n" : "") + "Connection: close\r\n\r\n";
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
