package io.agnes.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agnes.sources.AnalyticsFixture;
import io.agnes.sources.NoDataYetException;
import io.agnes.web.JsonbSettings;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryRunnerTest {

    @TempDir
    Path dataDir;

    AnalyticsFixture fixture;
    QueryRunner runner;

    @BeforeEach
    void setUp() {
        fixture = new AnalyticsFixture(dataDir);
        runner = new QueryRunner(fixture.analytics, fixture.settings);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void beforeTheFirstSyncAQuerySaysThereIsNoDataYet() {
        assertThatThrownBy(() -> runner.run("SELECT 1", null))
                .isInstanceOf(NoDataYetException.class).hasMessage("No data yet: run a sync");
    }

    @Test
    void returnsColumnsWithTypesAndRowsWithJsonFriendlyValues() {
        fixture.rebuilder.rebuild();

        QueryResult result = runner.run("""
                SELECT order_id, order_date, unit_price, unit_price * quantity AS total, status,
                       TIMESTAMP '2024-01-02 03:04:05' AS ts, NULL AS nothing, 12.50::DECIMAL(10,2) AS price, [1, 2] AS list, quantity > 1 AS several
                FROM orders WHERE order_id = 1008""", null);

        assertThat(result.columns()).extracting(QueryResult.Column::name).containsExactly("order_id", "order_date",
                "unit_price", "total", "status", "ts", "nothing", "price", "list", "several");
        assertThat(result.columns().get(1).type()).isEqualTo("DATE");
        assertThat(result.columns().get(2).type()).as("as DuckDB's CSV sniffer typed it").isEqualTo("DOUBLE");
        assertThat(result.rows()).singleElement().satisfies(row -> {
            assertThat(row.get(0)).isEqualTo(1008L);
            assertThat(row.get(1)).isEqualTo("2024-01-02");
            assertThat(row.get(2)).isEqualTo(19.0);
            assertThat(row.get(3)).isEqualTo(38.0);
            assertThat(row.get(4)).isEqualTo("completed");
            assertThat(row.get(5)).isEqualTo("2024-01-02T03:04:05");
            assertThat(row.get(6)).isNull();
            assertThat(row.get(7)).isEqualTo(new BigDecimal("12.50"));
            assertThat(row.get(8)).isEqualTo(List.of(1, 2));
            assertThat(row.get(9)).isEqualTo(true);
        });
        assertThat(result.truncated()).isFalse();
        assertThat(result.elapsedMs()).isNotNegative();
    }

    @Test
    void serialisesAsTheQueryApiJson() {
        fixture.rebuilder.rebuild();

        QueryResult result = runner.run("SELECT product_id, name, unit_price::DECIMAL(10,2) AS price, DATE '2024-05-01' AS day,"
                        + " CAST(NULL AS VARCHAR) AS x FROM products ORDER BY product_id",
                1);
        String json = new JsonbSettings().getContext(QueryResult.class).toJson(result);

        assertThat(json).matches("\\{\"columns\":\\[\\{\"name\":\"product_id\",\"type\":\"BIGINT\"},"
                + "\\{\"name\":\"name\",\"type\":\"VARCHAR\"},\\{\"name\":\"price\",\"type\":\"DECIMAL\\(10,2\\)\"},"
                + "\\{\"name\":\"day\",\"type\":\"DATE\"},\\{\"name\":\"x\",\"type\":\"VARCHAR\"}],\"elapsed_ms\":\\d+,"
                + "\"rows\":\\[\\[1,\"Espresso beans 1 kg\",24.90,\"2024-05-01\",null]],\"truncated\":true}");
    }

    @Test
    void rowsAreCappedAtTheLimitAndTheSettingWithTheTruncatedFlag() {
        fixture.settingValues.put("AGNES_QUERY_MAX_ROWS", "50");
        fixture.rebuilder.rebuild();

        QueryResult capped = runner.run("SELECT * FROM orders", null);
        assertThat(capped.rows()).hasSize(50);
        assertThat(capped.truncated()).isTrue();

        QueryResult limited = runner.run("SELECT * FROM orders", 10);
        assertThat(limited.rows()).hasSize(10);
        assertThat(limited.truncated()).isTrue();

        assertThat(runner.run("SELECT * FROM orders", 100_000).rows()).as("a limit above the setting").hasSize(50);
        assertThat(runner.run("SELECT * FROM orders", 0).rows()).as("no usable limit").hasSize(50);

        QueryResult exact = runner.run("SELECT * FROM products", 21);
        assertThat(exact.rows()).hasSize(21);
        assertThat(exact.truncated()).as("exactly the limit is not truncated").isFalse();
        assertThat(runner.run("SELECT * FROM products LIMIT 5", null).truncated()).isFalse();
    }

    @Test
    void aQueryRunningLongerThanTheTimeoutIsCancelled() {
        fixture.settingValues.put("AGNES_QUERY_TIMEOUT_SECONDS", "1");
        fixture.rebuilder.rebuild();

        long start = System.nanoTime();
        assertThatThrownBy(() -> runner.run(
                "SELECT count(*) FROM range(100000000) a, range(100000000) b WHERE a.range + b.range = -1", null))
                .isInstanceOf(QueryTimeoutException.class)
                .hasMessageStartingWith("The query ran longer than 1 s and was cancelled");
        assertThat((System.nanoTime() - start) / 1_000_000).as("cancelled promptly (ms)").isLessThan(5_000);

        assertThat(runner.run("SELECT count(*) FROM orders", null).rows()).as("the database still answers")
                .containsExactly(List.of(500L));
    }

    @Test
    void theUsersSqlMistakesAreReportedAsSuch() {
        fixture.rebuilder.rebuild();

        assertThatThrownBy(() -> runner.run("SELECT * FROM invoices", null))
                .isInstanceOf(QueryFailedException.class).hasMessageContaining("invoices");
        assertThatThrownBy(() -> runner.run("SELEC 1", null)).isInstanceOf(QueryRefusedException.class);
        assertThatThrownBy(() -> runner.run("SELECT FROM WHERE", null))
                .isInstanceOf(QueryFailedException.class).hasMessageContaining("syntax error");
    }

    @Test
    void showAndDescribeWorkOnTheMaster() {
        fixture.rebuilder.rebuild();

        assertThat(runner.run("SHOW TABLES", null).rows()).extracting(row -> row.get(0))
                .containsExactly("customers", "orders", "products");
        assertThat(runner.run("DESCRIBE products", null).rows()).extracting(row -> row.get(0))
                .containsExactly("product_id", "name", "category", "unit_price", "unit_cost");
    }

    @Test
    void theConnectionStaysReadOnlyAndOffTheFileSystemEvenIfTheGuardWereBypassed() throws Exception {
        fixture.rebuilder.rebuild();
        Path secret = Files.writeString(dataDir.resolve("secret.csv"), "password\nhunter2\n");

        assertThatThrownBy(() -> runner.execute("INSERT INTO shop.orders (order_id) VALUES (1)", null))
                .isInstanceOf(QueryFailedException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> runner.execute("DROP VIEW orders", null))
                .isInstanceOf(QueryFailedException.class).hasMessageContaining("read-only");
        assertThatThrownBy(() -> runner.execute("SELECT * FROM read_csv('" + secret + "')", null))
                .isInstanceOf(QueryFailedException.class).hasMessageContaining("disabled by configuration");
        assertThatThrownBy(() -> runner.execute("COPY (SELECT * FROM orders) TO '" + dataDir.resolve("leak.csv") + "'", null))
                .isInstanceOf(QueryFailedException.class);
        assertThat(dataDir.resolve("leak.csv")).doesNotExist();
        assertThat(runner.run("SELECT count(*) FROM orders", null).rows()).containsExactly(List.of(500L));
    }

    @Test
    void nonFiniteNumbersAndBinaryBecomeStrings() throws Exception {
        assertThat(QueryRunner.jsonValue(Double.NaN)).isEqualTo("NaN");
        assertThat(QueryRunner.jsonValue(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(QueryRunner.jsonValue(new byte[] {1, 2, 3})).isEqualTo("AQID");
        assertThat(QueryRunner.jsonValue(java.util.UUID.fromString("00000000-0000-0000-0000-000000000001")))
                .isEqualTo("00000000-0000-0000-0000-000000000001");
        assertThat(Arrays.asList(QueryRunner.jsonValue(1.5), QueryRunner.jsonValue(7))).containsExactly(1.5, 7);
    }
}
