package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DaCommandsTest {

    @TempDir
    Path home;

    FakeAgnesServer server;
    DaRunner da;

    @BeforeEach
    void start() throws Exception {
        server = new FakeAgnesServer();
        da = DaRunner.against(server, home);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void statusShowsServerHealthUserAndSync() {
        DaRunner.Outcome outcome = da.run("status");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).contains("Server: " + server.url() + " — ok (version 0.1.0, database ok)")
                .contains("User:   ada@example.com (Ada Lovelace), admin")
                .contains("Sync:   succeeded — 16/16 tables, finished 2025-03-01T06:00:42Z");
        assertThat(outcome.err()).isEmpty();
        assertThat(server.requestsTo("GET /api/me").getFirst().authorization()).isEqualTo("Bearer " + FakeAgnesServer.TOKEN);
    }

    @Test
    void statusOfADegradedServerShowsItAndExitsOne() {
        server.answer("GET /api/health", 503, """
                {"status":"degraded","version":"0.1.0","database":"unreachable"}""");
        server.answer("GET /api/sync/status", 404, "{\"detail\":\"Not found\"}");

        DaRunner.Outcome outcome = da.run("status");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.out()).contains("degraded (version 0.1.0, database unreachable)")
                .contains("Sync:   not available on this server");
    }

    @Test
    void sourcesAreListedAsAlignedColumns() {
        DaRunner.Outcome outcome = da.run("sources");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).isEqualTo("""
                name  type      tables  last_sync
                ----  --------  ------  --------------------
                shop  postgres       4  2025-03-01T06:00:00Z
                crm   keboola       12
                """);
    }

    @Test
    void tablesListTheCatalogWithColumnCounts() {
        DaRunner.Outcome outcome = da.run("tables");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out().lines().toList()).containsExactly(
                "name       source    rows  columns  description",
                "---------  ------  ------  -------  -----------------",
                "orders     shop    120394  2 items  One row per order",
                "customers  crm       8812  1 item");
    }

    @Test
    void anEmptyCatalogSaysWhatToDo() {
        server.answer("GET /api/catalog", 200, "{\"tables\":[]}");

        assertThat(da.run("tables").out()).isEqualTo("The catalog is empty: run `da sync` to load the sources.\n");
    }

    @Test
    void queryPrintsATableWithNumbersRightAlignedAndNullsVisible() {
        DaRunner.Outcome outcome = da.run("query", "SELECT region, count(*) AS orders, note FROM orders GROUP BY 1, 3");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).isEqualTo("""
                region       orders  note
                -----------  ------  ----------
                North          1204  plain
                South, East      87  says "hi"
                West           NULL  two\\nlines
                (3 rows, 12 ms)
                """);
        assertThat(server.requestsTo("POST /api/query").getFirst().body())
                .isEqualTo("{\"sql\":\"SELECT region, count(*) AS orders, note FROM orders GROUP BY 1, 3\"}");
    }

    @Test
    void queryAsCsvQuotesCommasQuotesAndNewlines() {
        DaRunner.Outcome outcome = da.run("query", "SELECT 1", "--format", "csv", "--limit", "3");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).isEqualTo("region,orders,note\r\n"
                + "North,1204,plain\r\n"
                + "\"South, East\",87,\"says \"\"hi\"\"\"\r\n"
                + "West,,\"two\nlines\"\r\n");
        assertThat(server.requestsTo("POST /api/query").getFirst().body()).isEqualTo("{\"sql\":\"SELECT 1\",\"limit\":3}");
    }

    @Test
    void queryAsJsonPrintsTheServersAnswerAsIs() {
        DaRunner.Outcome outcome = da.run("query", "SELECT 1", "--format=JSON");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).isEqualTo(FakeAgnesServer.QUERY + "\n");
    }

    @Test
    void aTruncatedResultSaysSo() {
        server.answer("POST /api/query", 200, """
                {"columns":[{"name":"n","type":"INTEGER"}],"rows":[[1],[2]],"truncated":true,"elapsed_ms":3}""");

        assertThat(da.run("query", "SELECT n FROM range(10)", "--limit", "2").out()).endsWith("(2 rows, truncated: raise --limit for more, 3 ms)\n");
        DaRunner.Outcome csv = da.run("query", "SELECT n FROM range(10)", "--limit", "2", "--format", "csv");
        assertThat(csv.out()).isEqualTo("n\r\n1\r\n2\r\n");
        assertThat(csv.err()).contains("truncated after 2 rows");
    }

    @Test
    void aBadLimitOrFormatIsAUsageError() {
        DaRunner.Outcome zero = da.run("query", "SELECT 1", "--limit", "0");
        DaRunner.Outcome format = da.run("query", "SELECT 1", "--format", "xml");

        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--limit must be a positive number of rows, not 0.");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("--format").contains("xml");
        assertThat(server.requestsTo("POST /api/query")).isEmpty();
    }

    @Test
    void askShowsTheExplanationTheSqlAndTheRows() {
        DaRunner.Outcome outcome = da.run("ask", "Orders", "by", "region?");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).isEqualTo("""
                I counted the orders in each region.

                SQL:
                  SELECT region, count(*) AS orders
                  FROM orders GROUP BY region

                region  orders
                ------  ------
                North     1204
                South       87
                (2 rows, 812 ms)
                """);
        assertThat(server.requestsTo("POST /api/ask").getFirst().body()).isEqualTo("{\"question\":\"Orders by region?\"}");
    }

    @Test
    void theSavedLoginIsUsedWhenNoEnvironmentVariablesAreSet() throws Exception {
        DaRunner fromFile = new DaRunner(home);
        new ConfigStore(CliEnvironment.of(fromFile.variables, home, null, null))
                .save(new ConfigStore.Saved(server.url() + "/", FakeAgnesServer.TOKEN));

        DaRunner.Outcome outcome = fromFile.run("sources");

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).contains("shop");
    }
}
