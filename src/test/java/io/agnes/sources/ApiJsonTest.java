package io.agnes.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.web.JsonbSettings;
import jakarta.json.bind.Jsonb;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The records of this package are the sync, sources and catalog API bodies: they serialise as the server will. */
class ApiJsonTest {

    @TempDir
    Path dataDir;

    AnalyticsFixture fixture;
    final Jsonb jsonb = new JsonbSettings().getContext(Object.class);

    @BeforeEach
    void setUp() {
        fixture = new AnalyticsFixture(dataDir);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void aSyncStatusWithItsLastReport() {
        SyncReport report = fixture.rebuilder.rebuild();

        String json = jsonb.toJson(new SyncStatus(false, null, null, null, report));

        assertThat(json).startsWith("{\"last_run\":{")
                .contains("\"running\":false")
                .contains("\"op\":\"rebuild\"", "\"status\":\"ok\"", "\"master_built\":true", "\"run_id\":\"" + report.runId())
                .containsPattern("\"started_at\":\"\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\"")
                .containsPattern("\"duration_ms\":\\d+")
                .contains("\"sources\":[{\"duration_ms\":")
                .contains("\"rows\":721", "\"source\":\"shop\"", "\"tables\":[{\"name\":\"orders\",\"rows\":500}")
                .doesNotContain("\"ok\":");
    }

    @Test
    void theCatalogAndTheSourcesOverview() {
        fixture.rebuilder.rebuild();
        Catalog catalog = new Catalog(fixture.analytics, fixture.sources, fixture.ledger);
        catalog.describe("products", "Things we sell", List.of("retail"));

        String tables = jsonb.toJson(catalog.tables());
        String sources = jsonb.toJson(fixture.sources.overview());

        assertThat(tables).startsWith("[{\"columns\":[{\"name\":\"customer_id\",\"type\":\"BIGINT\"}")
                .contains("\"row_count\":21", "\"description\":\"Things we sell\"", "\"tags\":[\"retail\"]",
                        "\"source_description\":\"Product list")
                .containsPattern("\"described_at\":\"[^\"]+Z\"");
        assertThat(sources).contains("\"name\":\"shop\"", "\"kind\":\"csv\"", "\"last_status\":\"ok\"", "\"rows\":721")
                .containsPattern("\"last_success_at\":\"[^\"]+Z\"")
                .contains("\"tables\":[{\"description\":");
    }
}
