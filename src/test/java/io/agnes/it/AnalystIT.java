package io.agnes.it;

import static io.agnes.testing.JsonBodies.array;
import static io.agnes.testing.JsonBodies.object;
import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.testing.AgnesDeployment;
import io.agnes.testing.FakeLlmServer;
import io.agnes.testing.OpenAiWire;
import io.agnes.testing.WebClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The analyst features on Payara Micro as a newcomer gets them: the bundled sample synced at start, SQL and
 * questions (through the real OpenAI SDK against a fake OpenAI-compatible server on 127.0.0.1), catalog
 * enrichment, and the {@code da} command line as a real process.
 */
@ExtendWith(ArquillianExtension.class)
class AnalystIT {

    static final String ADMIN = "admin@example.com";
    static final String PASSWORD = "analyst-admin-pass";
    static FakeLlmServer llm;

    @ArquillianResource
    URL url;

    @Deployment(testable = false)
    static WebArchive deployment() throws IOException {
        llm = new FakeLlmServer().replyAlways(AnalystIT::answer);
        return AgnesDeployment.agnes()
                .setting("AGNES_ADMIN_EMAIL", ADMIN)
                .setting("AGNES_ADMIN_PASSWORD", PASSWORD)
                .setting("LLM_PROVIDER", "openai_compat")
                .setting("LLM_BASE_URL", llm.url() + "/v1")
                .setting("LLM_API_KEY", "sk-test-not-a-real-key")
                .setting("LLM_MAX_RETRIES", "0")
                .build();
    }

    /** The fake model: SQL for questions, a description for tables, bad SQL when asked for it. */
    static FakeLlmServer.Reply answer(FakeLlmServer.Received request) {
        String body = request.body();
        if (body.contains("document tables")) {
            return OpenAiWire.completion("{\"description\":\"One row per thing in this table.\",\"tags\":[\"sample\",\"shop\"]}", "stop");
        }
        String sql = body.contains("nonsense") ? "SELECT nothing FROM nowhere" : "SELECT count(*) AS orders FROM orders";
        return OpenAiWire.completion(Json.createObjectBuilder().add("sql", sql)
                .add("explanation", "Counts the order lines.").build().toString(), "stop");
    }

    @AfterAll
    static void stopFakeLlm() {
        llm.close();
    }

    @BeforeEach
    void sampleIsSynced() {
        // the first sync starts by itself when Agnes starts without analytics data
        WebClient client = admin();
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(object(client.get("/api/sync/status").body()).getString("state")).isEqualTo("succeeded"));
    }

    @Test
    void theSampleIsQueryableRightAfterTheFirstStart() {
        WebClient analyst = admin();
        JsonObject shop = array(analyst.get("/api/sources").body()).getJsonObject(0);
        assertThat(shop.getString("name")).isEqualTo("shop");
        assertThat(shop.getString("last_status")).isEqualTo("ok");
        assertThat(shop.getJsonNumber("rows").longValue()).isEqualTo(721);

        List<JsonObject> tables = array(analyst.get("/api/catalog").body()).stream().map(JsonValue::asJsonObject).toList();
        assertThat(tables).extracting(t -> t.getString("name")).containsExactlyInAnyOrder("orders", "customers", "products");
        JsonObject orders = tables.stream().filter(t -> t.getString("name").equals("orders")).findFirst().orElseThrow();
        assertThat(orders.getJsonNumber("row_count").longValue()).isEqualTo(500);
        assertThat(orders.getJsonArray("columns")).isNotEmpty();

        JsonObject counted = object(analyst.postJson("/api/query", "{\"sql\":\"SELECT count(*) AS n FROM orders\"}").body());
        assertThat(counted.getJsonArray("rows").getJsonArray(0).getJsonNumber(0).longValue()).isEqualTo(500);
        JsonObject capped = object(analyst.postJson("/api/query", "{\"sql\":\"SELECT * FROM orders\",\"limit\":7}").body());
        assertThat(capped.getJsonArray("rows")).hasSize(7);
        assertThat(capped.getBoolean("truncated")).isTrue();
    }

    @Test
    void onlySingleReadQueriesRun() {
        WebClient analyst = admin();
        for (String sql : new String[] {"DROP TABLE orders", "SELECT 1; DELETE FROM orders",
                "SELECT * FROM read_csv('/etc/passwd')", "COPY orders TO '/tmp/x.csv'"}) {
            HttpResponse<String> refused = analyst.postJson("/api/query", Json.createObjectBuilder().add("sql", sql).build().toString());
            assertThat(refused.statusCode()).as(sql).isEqualTo(400);
            assertThat(object(refused.body()).getString("detail")).as(sql).isNotBlank();
        }
        assertThat(object(analyst.postJson("/api/query", "{\"sql\":\"SELECT count(*) FROM orders\"}").body())
                .getJsonArray("rows").getJsonArray(0).getJsonNumber(0).longValue()).as("data untouched").isEqualTo(500);
        HttpResponse<String> unknown = analyst.postJson("/api/query", "{\"sql\":\"SELECT * FROM no_such_table\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(object(unknown.body()).getString("detail")).contains("no_such_table");
    }

    @Test
    void questionsAreAnsweredWithTheSqlTheModelWroteAndItsRows() {
        WebClient analyst = admin();
        HttpResponse<String> asked = analyst.postJson("/api/ask", "{\"question\":\"How many orders are there?\"}");
        assertThat(asked.statusCode()).isEqualTo(200);
        JsonObject answer = object(asked.body());
        assertThat(answer.getString("question")).isEqualTo("How many orders are there?");
        assertThat(answer.getString("sql")).isEqualTo("SELECT count(*) AS orders FROM orders");
        assertThat(answer.getString("explanation")).isEqualTo("Counts the order lines.");
        assertThat(answer.getJsonArray("rows").getJsonArray(0).getJsonNumber(0).longValue()).isEqualTo(500);

        FakeLlmServer.Received call = llm.received().stream().filter(r -> r.body().contains("How many orders")).findFirst().orElseThrow();
        assertThat(call.path()).isEqualTo("/v1/chat/completions");
        assertThat(call.header("Authorization")).isEqualTo("Bearer sk-test-not-a-real-key");
        assertThat(call.body()).contains("orders").contains("customers").contains("json_schema");

        HttpResponse<String> bad = analyst.postJson("/api/ask", "{\"question\":\"Tell me nonsense\"}");
        assertThat(bad.statusCode()).isEqualTo(422);
        assertThat(object(bad.body()).getString("sql")).isEqualTo("SELECT nothing FROM nowhere");
    }

    @Test
    void catalogEnrichmentDescribesEveryTableForAdminsOnly() {
        WebClient admin = admin();
        HttpResponse<String> run = admin.postJson("/api/admin/run-catalog-enrichment", "");
        assertThat(run.statusCode()).isEqualTo(200);
        assertThat(object(run.body()).getInt("described")).isEqualTo(3);
        JsonObject orders = object(admin.get("/api/catalog/orders").body());
        assertThat(orders.getString("description")).isEqualTo("One row per thing in this table.");
        assertThat(orders.getJsonArray("tags").getValuesAs(jakarta.json.JsonString::getString)).containsExactly("sample", "shop");

        String email = "reader-" + System.nanoTime() + "@example.com";
        admin.postJson("/api/admin/users", "{\"email\":\"" + email + "\",\"password\":\"reader-pass\"}");
        WebClient reader = new WebClient(url);
        reader.login(email, "reader-pass");
        assertThat(reader.postJson("/api/admin/run-catalog-enrichment", "").statusCode()).isEqualTo(403);
        assertThat(reader.postJson("/api/sync/trigger", "").statusCode()).isEqualTo(403);
        assertThat(reader.get("/api/catalog").statusCode()).isEqualTo(200);
    }

    @Test
    void thePagesShowTheCatalogTheQueryFormsAndTheSources() {
        WebClient admin = admin();
        org.jsoup.nodes.Document catalog = org.jsoup.Jsoup.parse(admin.get("/catalog").body());
        assertThat(catalog.html()).doesNotContain("Â");
        assertThat(catalog.select("#catalog-table-orders .catalog-rows").text()).contains("500");
        assertThat(catalog.select("#catalog-table-orders .column-name").eachText()).contains("order_id", "quantity");
        assertThat(catalog.select("a[href$=/tokens]")).as("standalone page, not the base layout").isEmpty();

        org.jsoup.nodes.Document query = org.jsoup.Jsoup.parse(admin.get("/query").body());
        assertThat(query.select("#sql-form")).hasSize(1);
        assertThat(query.select("#ask-form #ask-button").attr("disabled")).as("the LLM is configured").isEmpty();
        assertThat(query.select("script[src$=/static/query.js]")).hasSize(1);

        org.jsoup.nodes.Document dashboard = org.jsoup.Jsoup.parse(admin.get("/").body());
        assertThat(dashboard.select("#source-shop").text()).contains("shop").contains("721");
        assertThat(dashboard.select("#sync-now")).hasSize(1);
        assertThat(dashboard.select("footer").text()).isEqualTo("Agnes · AI data analyst");
        assertThat(admin.get("/admin/sync").body()).contains("sync-run");

        String email = "viewer-" + System.nanoTime() + "@example.com";
        admin.postJson("/api/admin/users", "{\"email\":\"" + email + "\",\"password\":\"viewer-pass\"}");
        WebClient viewer = new WebClient(url);
        viewer.login(email, "viewer-pass");
        assertThat(org.jsoup.Jsoup.parse(viewer.get("/").body()).select("#sync-now")).as("only admins sync").isEmpty();
        assertThat(viewer.get("/admin/sync").statusCode()).isEqualTo(403);
    }

    @Test
    void theDaCommandLineWorksAgainstTheRunningServer() throws Exception {
        WebClient admin = admin();
        String token = object(admin.postJson("/api/tokens", "{\"name\":\"cli\"}").body()).getString("token");
        Path config = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "da-");

        Result tables = da(token, config, "tables");
        assertThat(tables.exitCode()).as(tables.err()).isZero();
        assertThat(tables.out()).contains("orders").contains("customers").contains("products");

        Result csv = da(token, config, "query", "SELECT product_id, name FROM products ORDER BY product_id LIMIT 2", "--format", "csv");
        assertThat(csv.exitCode()).as(csv.err()).isZero();
        assertThat(csv.out().lines().findFirst()).hasValue("product_id,name");
        assertThat(csv.out().lines().count()).isEqualTo(3);

        Result sync = da(token, config, "sync", "--wait");
        assertThat(sync.exitCode()).as(sync.out() + sync.err()).isZero();

        Result refused = da(token, config, "query", "DROP TABLE orders");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).startsWith("Error:").contains("read queries");

        Result badToken = da("agnes_pat_wrong", config, "status");
        assertThat(badToken.exitCode()).isEqualTo(1);
        assertThat(badToken.err()).contains("Error:");
    }

    record Result(int exitCode, String out, String err) {
    }

    private Result da(String token, Path config, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bin/da"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("AGNES_SERVER", new WebClient(url).uri("/").toString());
        builder.environment().put("AGNES_TOKEN", token);
        builder.environment().put("AGNES_CLI_CONFIG_DIR", config.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Path out = Files.createTempFile(config, "out", ".txt");
        Path err = Files.createTempFile(config, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("da " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private WebClient admin() {
        WebClient client = new WebClient(url);
        assertThat(client.login(ADMIN, PASSWORD).statusCode()).isEqualTo(303);
        return client;
    }
}
