package io.agnes.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in Agnes API on 127.0.0.1: checks the Bearer token like the real AuthenticationFilter (401
 * {@code {"detail": ...}} for anything but {@code /api/health}) and answers each "METHOD /path" from a route table
 * preloaded with realistic JSON. Tests replace routes to script failures.
 */
final class FakeAgnesServer implements AutoCloseable {

    static final String TOKEN = "agnes_pat_Xq3vR8tLm2Kp9WzA7bCd4EfGh5JkNo6P";

    record Request(String method, String path, String authorization, String body) {
    }

    record Answer(int status, String body) {
    }

    static final String ME = """
            {"id":"5b0c6a2e-1f43-4c1e-9d0a-0c4cbe2f4a11","email":"ada@example.com","display_name":"Ada Lovelace",
             "admin":true,"authenticated_via":"access_token"}""";

    static final String QUERY = """
            {"columns":[{"name":"region","type":"VARCHAR"},{"name":"orders","type":"BIGINT"},{"name":"note","type":"VARCHAR"}],
             "rows":[["North",1204,"plain"],["South, East",87,"says \\"hi\\""],["West",null,"two\\nlines"]],
             "truncated":false,"elapsed_ms":12}""";

    private final HttpServer server;
    private final Map<String, Function<Request, Answer>> routes = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    FakeAgnesServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        answer("GET /api/health", 200, """
                {"status":"ok","version":"0.1.0","database":"ok"}""");
        answer("GET /api/me", 200, ME);
        answer("GET /api/sources", 200, """
                [{"name":"shop","type":"postgres","tables":4,"last_sync":"2025-03-01T06:00:00Z"},
                 {"name":"crm","type":"keboola","tables":12,"last_sync":null}]""");
        answer("GET /api/catalog", 200, """
                [{"name":"orders","source":"shop","rows":120394,"columns":[{"name":"id","type":"BIGINT"},{"name":"total","type":"DECIMAL"}],
                  "description":"One row per order"},
                 {"name":"customers","source":"crm","rows":8812,"columns":[{"name":"id","type":"BIGINT"}],"description":null}]""");
        answer("GET /api/sync/status", 200, """
                {"state":"succeeded","run_id":"run-41","started_at":"2025-03-01T06:00:00Z","finished_at":"2025-03-01T06:00:42Z",
                 "tables_done":16,"tables_total":16,"current_table":null,"error":null}""");
        answer("POST /api/sync/trigger", 202, """
                {"run_id":"run-42","state":"queued"}""");
        answer("POST /api/query", 200, QUERY);
        answer("POST /api/ask", 200, """
                {"question":"Orders by region?","sql":"SELECT region, count(*) AS orders\\nFROM orders GROUP BY region",
                 "explanation":"I counted the orders in each region.",
                 "columns":[{"name":"region","type":"VARCHAR"},{"name":"orders","type":"BIGINT"}],
                 "rows":[["North",1204],["South",87]],"truncated":false,"elapsed_ms":812}""");
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void answer(String route, int status, String body) {
        routes.put(route, request -> new Answer(status, body));
    }

    void on(String route, Function<Request, Answer> handler) {
        routes.put(route, handler);
    }

    List<Request> requestsTo(String route) {
        return requests.stream().filter(r -> (r.method() + " " + r.path()).equals(route)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"), body);
            requests.add(request);
            Answer answer;
            if (!request.path().equals("/api/health") && !("Bearer " + TOKEN).equals(request.authorization())) {
                answer = new Answer(401, "{\"detail\":\"Invalid or expired access token\"}");
            } else {
                answer = routes.getOrDefault(request.method() + " " + request.path(),
                        r -> new Answer(404, "{\"detail\":\"Not found\"}")).apply(request);
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
