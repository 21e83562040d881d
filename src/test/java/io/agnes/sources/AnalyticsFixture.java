package io.agnes.sources;

import io.agnes.web.Database;
import io.agnes.web.Settings;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The analytics stack outside the container, on real files in a test's temporary directory: a
 * real H2 database for the sync state, real DuckDB files for extracts and masters.
 */
public final class AnalyticsFixture {

    public final Path dataDir;
    public final Map<String, String> settingValues = new HashMap<>();
    public final Map<String, String> environment = new HashMap<>();
    public final Settings settings;
    public final Database database;
    public final SyncLedger ledger;
    public final AnalyticsDatabase analytics;
    public final DeclaredSources sources;
    public final Rebuilder rebuilder;

    public AnalyticsFixture(Path dataDir) {
        this.dataDir = dataDir;
        settingValues.put("AGNES_DATA_DIR", dataDir.toString());
        // a private in-memory database per fixture: tests never see each other's sync state
        settingValues.put("AGNES_DATABASE_URL", "jdbc:h2:mem:agnes-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        settings = new Settings(key -> Optional.ofNullable(settingValues.get(key)));
        database = Database.using(settings);
        ledger = new SyncLedger(database);
        analytics = new AnalyticsDatabase(dataDir);
        sources = new DeclaredSources(settings, dataDir, ledger);
        rebuilder = new Rebuilder(dataDir, sources::load, analytics, ledger, key -> Optional.ofNullable(environment.get(key)));
    }

    /** Rows of a table (or view) as a user querying the current master sees them. */
    public long count(String table) {
        try (AnalyticsDatabase.Lease lease = analytics.open(); Statement statement = lease.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public void close() {
        analytics.close();
    }
}
