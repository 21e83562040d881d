package io.agnes.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RebuilderTest {

    @TempDir
    Path dataDir;

    AnalyticsFixture fixture;
    HttpServer server;

    @BeforeEach
    void setUp() {
        fixture = new AnalyticsFixture(dataDir);
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.stop(0);
        }
        fixture.close();
    }

    @Test
    void aRebuildOfTheSampleServesEveryTableWithItsRows() {
        SyncReport report = fixture.rebuilder.rebuild();

        assertThat(report.status()).isEqualTo("ok");
        assertThat(report.op()).isEqualTo("rebuild");
        assertThat(report.masterBuilt()).isTrue();
        assertThat(report.master()).startsWith("master-").endsWith(".duckdb");
        assertThat(report.sources()).singleElement().satisfies(shop -> {
            assertThat(shop.source()).isEqualTo("shop");
            assertThat(shop.status()).isEqualTo("ok");
            assertThat(shop.tables()).containsExactly(new SyncReport.TableResult("orders", 500),
                    new SyncReport.TableResult("customers", 200), new SyncReport.TableResult("products", 21));
            assertThat(shop.rows()).isEqualTo(721);
            assertThat(shop.error()).isNull();
        });
        assertThat(fixture.count("orders")).isEqualTo(500);
        assertThat(fixture.count("customers")).isEqualTo(200);
        assertThat(fixture.count("products")).isEqualTo(21);
        assertThat(fixture.rebuilder.extractOf("shop")).isEqualTo(dataDir.resolve("extracts/shop/extract.duckdb")).exists();
        assertThat(fixture.analytics.currentMaster()).hasValueSatisfying(m -> assertThat(m.getParent())
                .isEqualTo(dataDir.resolve("analytics")));
        assertThat(fixture.ledger.state("shop")).hasValueSatisfying(state -> {
            assertThat(state.getLastStatus()).isEqualTo("ok");
            assertThat(state.getRows()).isEqualTo(721);
            assertThat(state.getTables()).isEqualTo(3);
            assertThat(state.getLastSuccessAt()).isNotNull();
            assertThat(state.getLastError()).isNull();
        });
        assertThat(fixture.ledger.history(10)).singleElement()
                .satisfies(h -> assertThat(h.getRunId()).isEqualTo(report.runId()));
    }

    @Test
    void rebuildSourceReExtractsOnlyThatSourceAndSwapsInAFreshMaster() throws IOException {
        csv("orders.csv", "id,amount", "1,10", "2,20");
        csv("staff.csv", "id,name", "1,Ann");
        sources("""
                {"sources": [
                  {"name": "shop", "kind": "csv", "tables": [{"name": "orders", "file": "orders.csv"}]},
                  {"name": "hr", "kind": "csv", "tables": [{"name": "staff", "file": "staff.csv"}]}]}""");
        fixture.rebuilder.rebuild();
        Path firstMaster = fixture.analytics.currentMaster().orElseThrow();
        csv("orders.csv", "id,amount", "1,10", "2,20", "3,30");
        csv("staff.csv", "id,name", "1,Ann", "2,Ben");

        SyncReport report = fixture.rebuilder.rebuildSource("hr");

        assertThat(report.op()).isEqualTo("rebuild_source");
        assertThat(report.source()).isEqualTo("hr");
        assertThat(report.sources()).extracting(SyncReport.SourceResult::source).containsExactly("hr");
        assertThat(fixture.count("staff")).isEqualTo(2);
        assertThat(fixture.count("orders")).as("shop was not re-extracted").isEqualTo(2);
        assertThat(fixture.analytics.currentMaster()).isNotEmpty().get().isNotEqualTo(firstMaster);
        assertThat(firstMaster).as("the replaced master is deleted once no query uses it").doesNotExist();
        assertThatThrownBy(() -> fixture.rebuilder.rebuildSource("nope"))
                .isInstanceOf(UnknownSourceException.class).hasMessageContaining("\"nope\"");
    }

    @Test
    void aFailingSourceIsReportedWhileItsPreviousExtractKeepsServingAndGoodSourcesAreUpdated() throws Exception {
        String crmUrl = crmDatabase();
        fixture.environment.put("CRM_USER", "crm");
        fixture.environment.put("CRM_PASSWORD", "s3cret");
        csv("orders.csv", "id,amount", "1,10", "2,20");
        sources(shopAndCrm(crmUrl));
        fixture.rebuilder.rebuild();
        var crmBefore = fixture.ledger.state("crm").orElseThrow();

        try (AnalyticsDatabase.Lease running = fixture.analytics.open()) {
            csv("orders.csv", "id,amount", "1,10", "2,20", "3,30");
            sources(shopAndCrm("jdbc:h2:file:" + dataDir.resolve("missing-db") + ";IFEXISTS=TRUE"));

            assertThatThrownBy(() -> fixture.rebuilder.rebuild())
                    .isInstanceOfSatisfying(SyncFailedException.class, e -> {
                        SyncReport report = e.report();
                        assertThat(report.status()).isEqualTo("partial");
                        assertThat(report.masterBuilt()).isTrue();
                        assertThat(report.sources()).extracting(SyncReport.SourceResult::source, SyncReport.SourceResult::status)
                                .containsExactly(org.assertj.core.groups.Tuple.tuple("shop", "ok"),
                                        org.assertj.core.groups.Tuple.tuple("crm", "failed"));
                        assertThat(report.sources().get(1).error()).contains("cannot connect").contains("missing-db");
                        assertThat(e).hasMessageContaining("1 of 2 sources failed").hasMessageContaining("crm: cannot connect");
                    });

            assertThat(countOn(running, "orders")).as("a query that started before still reads its master").isEqualTo(2);
        }
        assertThat(fixture.count("orders")).as("the good source is updated").isEqualTo(3);
        assertThat(fixture.count("accounts")).as("the failed source keeps its previous extract").isEqualTo(3);
        assertThat(fixture.ledger.state("crm")).hasValueSatisfying(state -> {
            assertThat(state.getLastStatus()).isEqualTo("failed");
            assertThat(state.getLastError()).contains("missing-db");
            assertThat(state.getLastSuccessAt()).isEqualTo(crmBefore.getLastSuccessAt());
            assertThat(state.getRows()).as("the rows the extract still holds").isEqualTo(3);
        });
    }

    @Test
    void whenEverySourceFailsTheServingMasterIsNotReplaced() throws IOException {
        csv("orders.csv", "id,amount", "1,10", "2,20");
        sources("""
                {"sources": [{"name": "shop", "kind": "csv", "tables": [{"name": "orders", "file": "orders.csv"}]}]}""");
        fixture.rebuilder.rebuild();
        Path master = fixture.analytics.currentMaster().orElseThrow();
        Files.delete(dataDir.resolve("orders.csv"));

        assertThatThrownBy(() -> fixture.rebuilder.rebuild())
                .isInstanceOfSatisfying(SyncFailedException.class, e -> {
                    assertThat(e.report().status()).isEqualTo("failed");
                    assertThat(e.report().masterBuilt()).isFalse();
                    assertThat(e.report().master()).isEqualTo(master.getFileName().toString());
                    assertThat(e.report().sources().get(0).error()).contains("file not found").contains("orders.csv");
                });
        assertThat(fixture.analytics.currentMaster()).contains(master);
        assertThat(fixture.count("orders")).isEqualTo(2);
    }

    @Test
    void aFirstSyncWhereEverythingFailsLeavesNoDataAndSaysSo() throws IOException {
        sources("""
                {"sources": [{"name": "shop", "kind": "csv", "tables": [{"name": "orders", "file": "absent.csv"}]}]}""");

        assertThatThrownBy(() -> fixture.rebuilder.rebuild()).isInstanceOf(SyncFailedException.class);
        assertThatThrownBy(() -> fixture.analytics.open())
                .isInstanceOf(NoDataYetException.class).hasMessage("No data yet: run a sync");
    }

    @Test
    void anInvalidSourcesFileChangesNothingAndIsRecorded() throws IOException {
        fixture.rebuilder.rebuild();
        Path master = fixture.analytics.currentMaster().orElseThrow();
        sources("{\"sources\": [{\"name\": \"shop\"}]}");

        assertThatThrownBy(() -> fixture.rebuilder.rebuild())
                .isInstanceOf(InvalidSourcesException.class).hasMessageContaining("field \"kind\"");
        assertThat(fixture.analytics.currentMaster()).contains(master);
        assertThat(fixture.count("orders")).isEqualTo(500);
        assertThat(fixture.ledger.history(1)).singleElement().satisfies(h -> {
            assertThat(h.getStatus()).isEqualTo("failed");
            assertThat(h.getError()).contains("field \"kind\"");
        });
    }

    @Test
    void aJdbcSourceIsCopiedWithItsTypesAndNullsUsingCredentialsFromTheEnvironment() throws Exception {
        String crmUrl = crmDatabase();
        sources("""
                {"sources": [{"name": "crm", "kind": "jdbc", "url": "%s", "user_env": "CRM_USER", "password_env": "CRM_PASSWORD",
                  "tables": [{"name": "accounts", "query": "SELECT * FROM accounts ORDER BY id"}]}]}""".formatted(crmUrl));

        assertThatThrownBy(() -> fixture.rebuilder.rebuild()).isInstanceOfSatisfying(SyncFailedException.class,
                e -> assertThat(e.report().sources().get(0).error())
                        .isEqualTo("environment variable CRM_USER (named by user_env) is not set"));

        fixture.environment.put("CRM_USER", "crm");
        fixture.environment.put("CRM_PASSWORD", "s3cret");
        SyncReport report = fixture.rebuilder.rebuild();

        assertThat(report.sources().get(0).tables()).containsExactly(new SyncReport.TableResult("accounts", 3));
        try (AnalyticsDatabase.Lease lease = fixture.analytics.open(); Statement statement = lease.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, name, balance, opened, updated, active, typeof(balance)"
                     + " FROM accounts ORDER BY id")) {
            rs.next();
            assertThat(rs.getInt("id")).isEqualTo(1);
            assertThat(rs.getString("name")).isEqualTo("Acme");
            assertThat(rs.getBigDecimal("balance")).isEqualByComparingTo(new BigDecimal("1234.50"));
            assertThat(rs.getObject("opened", LocalDate.class)).isEqualTo(LocalDate.of(2024, 3, 1));
            assertThat(rs.getObject("updated", LocalDateTime.class)).isEqualTo(LocalDateTime.of(2024, 3, 2, 10, 15, 30));
            assertThat(rs.getBoolean("active")).isTrue();
            assertThat(rs.getString(7)).isEqualTo("DECIMAL(12,2)");
            rs.next();
            rs.next();
            assertThat(rs.getString("name")).isNull();
            assertThat(rs.getObject("balance")).isNull();
            assertThat(rs.getObject("opened")).isNull();
        }
    }

    @Test
    void aCsvTableCanComeFromAnHttpUrl() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/rates.csv", exchange -> {
            byte[] body = "currency,rate\nEUR,1.0\nUSD,1.08\nCZK,25.1\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        sources("""
                {"sources": [{"name": "finance", "kind": "csv", "tables": [{"name": "rates", "url": "%s/rates.csv"}]}]}"""
                .formatted(base));

        fixture.rebuilder.rebuild();
        assertThat(fixture.count("rates")).isEqualTo(3);

        sources("""
                {"sources": [{"name": "finance", "kind": "csv", "tables": [{"name": "rates", "url": "%s/gone.csv?sig=abc"}]}]}"""
                .formatted(base));
        assertThatThrownBy(() -> fixture.rebuilder.rebuild()).isInstanceOfSatisfying(SyncFailedException.class,
                e -> assertThat(e.report().sources().get(0).error()).isEqualTo("table \"rates\": HTTP 404 from " + base + "/gone.csv"));
        assertThat(fixture.count("rates")).isEqualTo(3);
        assertThat(dataDir.resolve("extracts/finance")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void concurrentRebuildsRunOneAfterTheOther() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger downloads = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/slow.csv", exchange -> {
            downloads.incrementAndGet();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "id\n1\n2\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        sources("""
                {"sources": [{"name": "slow", "kind": "csv", "tables": [{"name": "numbers", "url": "http://127.0.0.1:%d/slow.csv"}]}]}"""
                .formatted(server.getAddress().getPort()));

        CompletableFuture<SyncReport> first = CompletableFuture.supplyAsync(fixture.rebuilder::rebuild);
        await().atMost(10, TimeUnit.SECONDS).until(() -> downloads.get() == 1);
        AtomicReference<Thread> secondThread = new AtomicReference<>();
        CompletableFuture<SyncReport> second = CompletableFuture.supplyAsync(() -> {
            secondThread.set(Thread.currentThread());
            return fixture.rebuilder.rebuildSource("slow");
        });
        await().atMost(10, TimeUnit.SECONDS)
                .until(() -> secondThread.get() != null && secondThread.get().getState() == Thread.State.WAITING);
        assertThat(downloads.get()).as("the second rebuild waits for the first").isEqualTo(1);

        release.countDown();
        SyncReport a = first.get(20, TimeUnit.SECONDS);
        SyncReport b = second.get(20, TimeUnit.SECONDS);

        assertThat(downloads.get()).isEqualTo(2);
        assertThat(b.startedAt()).isAfterOrEqualTo(a.finishedAt());
        assertThat(fixture.count("numbers")).isEqualTo(2);
    }

    private long countOn(AnalyticsDatabase.Lease lease, String table) throws SQLException {
        try (Statement statement = lease.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String shopAndCrm(String crmUrl) {
        return """
                {"sources": [
                  {"name": "shop", "kind": "csv", "tables": [{"name": "orders", "file": "orders.csv"}]},
                  {"name": "crm", "kind": "jdbc", "url": "%s", "user_env": "CRM_USER", "password_env": "CRM_PASSWORD",
                   "tables": [{"name": "accounts", "query": "SELECT * FROM accounts"}]}]}""".formatted(crmUrl);
    }

    /** A private H2 database standing in for an operator's relational source. */
    private static String crmDatabase() throws SQLException {
        String url = "jdbc:h2:mem:crm-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Connection connection = DriverManager.getConnection(url, "crm", "s3cret");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(100), balance DECIMAL(12,2),"
                    + " opened DATE, updated TIMESTAMP, active BOOLEAN)");
            statement.execute("INSERT INTO accounts VALUES (1, 'Acme', 1234.50, DATE '2024-03-01',"
                    + " TIMESTAMP '2024-03-02 10:15:30', TRUE), (2, 'Globex', -20.00, DATE '2024-04-01', NULL, FALSE),"
                    + " (3, NULL, NULL, NULL, NULL, NULL)");
        }
        return url;
    }

    private void sources(String json) throws IOException {
        Files.writeString(dataDir.resolve("sources.json"), json);
    }

    private void csv(String name, String... lines) throws IOException {
        Files.writeString(dataDir.resolve(name), String.join("\n", lines) + "\n");
    }
}
