package io.agnes.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The Agnes server's JSON API as the CLI uses it: Bearer token, JSON in and out, and every way of failing to
 * get an answer turned into a {@link TransportException} whose message and hint a user can act on.
 */
final class AgnesApi implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

    /** An answer from the server: a 2xx, or an error status the caller said it handles itself. */
    record Reply(int status, String body) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The body as a JSON object; a body that is not one is a server bug, reported as unhandled. */
        Map<String, Object> json() {
            return Json.parseObject(body);
        }

        /** The body as any JSON value (lists come as arrays). */
        Object jsonValue() {
            return Json.parse(body);
        }
    }

    private final HttpClient client;
    private final String server;
    private final String token;
    private final String tokenSource;
    private final Duration requestTimeout;

    AgnesApi(ConfigStore.Connection connection, Duration requestTimeout) {
        this.server = connection.server();
        this.token = connection.token();
        this.tokenSource = connection.tokenSource();
        this.requestTimeout = requestTimeout;
        // redirects are not followed: they would either drop the token or send it somewhere unasked
        this.client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    String server() {
        return server;
    }

    @Override
    public void close() {
        client.close();
    }

    Reply get(String path, int... handledErrors) throws InterruptedException {
        return send(request(path).GET().build(), path, handledErrors);
    }

    Reply post(String path, Object body, int... handledErrors) throws InterruptedException {
        HttpRequest request = request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8)).build();
        return send(request, path, handledErrors);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server + path)).timeout(requestTimeout)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("User-Agent", "da/" + Da.version());
    }

    private Reply send(HttpRequest request, String path, int[] handledErrors) throws InterruptedException {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw new TransportException("Timed out after " + CONNECT_TIMEOUT.toSeconds() + " s connecting to " + server,
                    unreachableHint(), e);
        } catch (HttpTimeoutException e) {
            throw new TransportException(server + " did not answer " + request.method() + " " + path + " within "
                    + requestTimeout.toSeconds() + " s",
                    "If the server is just slow, raise " + CliEnvironment.TIMEOUT_SECONDS + " (seconds).", e);
        } catch (ConnectException e) {
            if (hasCause(e, UnresolvedAddressException.class)) {
                throw new TransportException("Cannot find the host of " + server,
                        "Check the server address given to `da login` (or " + CliEnvironment.SERVER + ").", e);
            }
            throw new TransportException("Cannot connect to " + server + " (connection refused)", unreachableHint(), e);
        } catch (SSLException e) {
            throw new TransportException("The TLS connection to " + server + " failed: " + e.getMessage(),
                    "Check the https address and the server's certificate.", e);
        } catch (IOException e) {
            throw new TransportException("Cannot reach " + server + ": " + describe(e), unreachableHint(), e);
        }
        int status = response.statusCode();
        String body = response.body();
        for (int handled : handledErrors) {
            if (status == handled) {
                return new Reply(status, body);
            }
        }
        if (status >= 300 && status < 400) {
            String location = response.headers().firstValue("Location").orElse("another address");
            throw new TransportException(status, "The server redirected " + path + " to " + location + " (HTTP " + status + ")",
                    "Log in with the address it redirects to: `da login --server <that address> --token ...`.");
        }
        if (status >= 400) {
            throw httpError(status, request.method(), path, body);
        }
        return new Reply(status, body);
    }

    private TransportException httpError(int status, String method, String path, String body) {
        Map<String, Object> json = null;
        try {
            json = Json.parseObject(body);
        } catch (Json.MalformedJsonException notJson) {
            // proxies and servlet containers answer errors with HTML; the status alone has to do
        }
        String detail = Json.text(json, "detail");
        String requestId = Json.text(json, "request_id");
        String message = (detail == null || detail.isBlank() ? "The server refused " + method + " " + path : detail)
                + " (HTTP " + status + ")";
        String hint = switch (status) {
            case 401 -> switch (tokenSource) {
                case CliEnvironment.TOKEN -> "Token rejected: check " + CliEnvironment.TOKEN + ", or unset it and run `da login` again.";
                case LoginCommand.TOKEN_SOURCE -> "Token rejected: check it, or create a new one in Agnes at " + server + "/tokens.";
                case null, default -> "Token rejected: run `da login` again.";
            };
            case 403 -> "Your account may not do this; ask an Agnes admin.";
            case 404 -> "Is " + server + " an Agnes server, and is it up to date?";
            case 502, 503, 504 -> "The server, or a proxy in front of it, is unavailable; try again shortly.";
            default -> status >= 500
                    ? "The server failed; its log has the details" + (requestId == null ? "." : " (request id " + requestId + ").")
                    : null;
        };
        return new TransportException(status, message, hint);
    }

    private String unreachableHint() {
        return "Is the server running at " + server + "? Check `da login` (or " + CliEnvironment.SERVER + ").";
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }
}
