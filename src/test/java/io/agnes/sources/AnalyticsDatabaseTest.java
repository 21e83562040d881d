package io.agnes.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AnalyticsDatabaseTest {

    @TempDir
    Path dataDir;

    AnalyticsFixture fixture;

    @BeforeEach
    void setUp() {
        fixture = new AnalyticsFixture(dataDir);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void beforeAnySyncThereIsNoData() {
        assertThat(fixture.analytics.currentMaster()).isEmpty();
        assertThatThrownBy(() -> fixture.analytics.open()).isInstanceOf(NoDataYetException.class);
    }

    @Test
    void theCurrentMasterSurvivesARestartAndLeftoversAreCleanedAtTheNextSwap() throws Exception {
        fixture.rebuilder.rebuild();
        Path master = fixture.analytics.currentMaster().orElseThrow();
        Path leftover = dataDir.resolve("analytics/master-19990101T000000000Z.duckdb");
        Files.writeString(leftover, "from a build cut short");
        fixture.close();

        AnalyticsDatabase restarted = new AnalyticsDatabase(dataDir);
        try {
            assertThat(restarted.currentMaster()).contains(master);
            try (AnalyticsDatabase.Lease lease = restarted.open()) {
                assertThat(count(lease, "orders")).isEqualTo(500);
            }
            Rebuilder rebuilder = new Rebuilder(dataDir, fixture.sources::load, restarted, fixture.ledger, k -> java.util.Optional.empty());
            rebuilder.rebuild();
            assertThat(leftover).doesNotExist();
            assertThat(master).doesNotExist();
            assertThat(dataDir.resolve("analytics")).isDirectoryContaining("glob:**/master-*.duckdb");
        } finally {
            restarted.close();
        }
    }

    @Test
    void aReplacedMasterStaysReadableUntilItsLastQueryEndsAndIsThenDeleted() throws Exception {
        fixture.rebuilder.rebuild();
        Path first = fixture.analytics.currentMaster().orElseThrow();

        try (AnalyticsDatabase.Lease old = fixture.analytics.open()) {
            fixture.rebuilder.rebuild();
            assertThat(fixture.analytics.currentMaster()).isNotEmpty().get().isNotEqualTo(first);
            assertThat(first).as("still in use").exists();
            assertThat(old.master()).isEqualTo(first);
            assertThat(count(old, "customers")).isEqualTo(200);
        }
        assertThat(first).doesNotExist();
    }

    @Test
    void aConnectionCannotWriteNorReachFilesEvenWithoutTheQueryGuard() throws Exception {
        fixture.rebuilder.rebuild();
        Files.writeString(dataDir.resolve("secret.csv"), "password\nhunter2\n");

        try (AnalyticsDatabase.Lease lease = fixture.analytics.open()) {
            assertThat(failure(lease, "INSERT INTO shop.orders (order_id) VALUES (1)")).contains("read-only");
            assertThat(failure(lease, "CREATE TABLE notes (x INT)")).contains("read-only");
            assertThat(failure(lease, "SELECT * FROM read_csv('" + dataDir.resolve("secret.csv") + "')"))
                    .contains("disabled by configuration");
            assertThat(failure(lease, "COPY (SELECT 1) TO '" + dataDir.resolve("out.csv") + "'")).isNotBlank();
            assertThat(failure(lease, "ATTACH '" + dataDir.resolve("other.duckdb") + "' AS other"))
                    .contains("disabled by configuration");
            assertThat(failure(lease, "SET enable_external_access = true")).contains("locked");
        }
        assertThat(dataDir.resolve("out.csv")).doesNotExist();
    }

    /** The error message of running {@code sql}; a DuckDB statement is unusable after an error, so one per call. */
    private static String failure(AnalyticsDatabase.Lease lease, String sql) {
        try (Statement statement = lease.connection().createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected to fail: " + sql);
    }

    private static long count(AnalyticsDatabase.Lease lease, String table) throws SQLException {
        try (Statement statement = lease.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
