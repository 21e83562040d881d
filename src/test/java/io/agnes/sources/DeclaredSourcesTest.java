package io.agnes.sources;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeclaredSourcesTest {

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
    void aNewcomerGetsTheSampleCopiedIntoTheDataDirectory() {
        assertThat(fixture.sources.file()).isEqualTo(dataDir.resolve("sample/sources.json"));
        assertThat(fixture.sources.isSample()).isTrue();
        assertThat(dataDir.resolve("sample")).isDirectoryContaining("glob:**/orders.csv")
                .isDirectoryContaining("glob:**/customers.csv").isDirectoryContaining("glob:**/products.csv");
        assertThat(fixture.sources.load()).extracting(Source::name).containsExactly("shop");
    }

    @Test
    void aSourcesFileInTheDataDirectoryReplacesTheSampleAndTheSettingWinsOverBoth() throws Exception {
        Files.writeString(dataDir.resolve("sources.json"), """
                {"sources": [{"name": "own", "kind": "csv", "tables": [{"name": "t", "file": "t.csv"}]}]}""");
        assertThat(fixture.sources.file()).isEqualTo(dataDir.resolve("sources.json"));
        assertThat(fixture.sources.isSample()).isFalse();

        Path elsewhere = Files.createDirectories(dataDir.resolve("conf")).resolve("agnes-sources.json");
        Files.writeString(elsewhere, """
                {"sources": [{"name": "configured", "kind": "csv", "tables": [{"name": "t", "file": "t.csv"}]}]}""");
        fixture.settingValues.put("AGNES_SOURCES_FILE", elsewhere.toString());

        assertThat(fixture.sources.load()).extracting(Source::name).containsExactly("configured");
        assertThat(fixture.sources.load().get(0).tables().get(0).file()).isEqualTo(dataDir.resolve("conf/t.csv"));
    }

    @Test
    void theOverviewShowsEachSourceWithItsLastSyncAndNoCredentials() throws Exception {
        Files.writeString(dataDir.resolve("sources.json"), """
                {"sources": [
                  {"name": "shop", "kind": "csv", "description": "Web shop", "tables": [{"name": "orders", "file": "orders.csv", "description": "Orders"}]},
                  {"name": "crm", "kind": "jdbc", "url": "jdbc:h2:file:%s;IFEXISTS=TRUE;PASSWORD=hunter2", "password_env": "CRM_PASSWORD",
                   "tables": [{"name": "accounts", "query": "SELECT * FROM accounts"}]}]}""".formatted(dataDir.resolve("nowhere")));
        Files.writeString(dataDir.resolve("orders.csv"), "id\n1\n2\n");
        fixture.environment.put("CRM_PASSWORD", "hunter2");
        try {
            fixture.rebuilder.rebuild();
        } catch (SyncFailedException expected) {
            // crm cannot connect: that is what the overview must show
        }

        var overview = fixture.sources.overview();

        assertThat(overview).hasSize(2);
        var shop = overview.get(0);
        assertThat(shop.name()).isEqualTo("shop");
        assertThat(shop.kind()).isEqualTo("csv");
        assertThat(shop.description()).isEqualTo("Web shop");
        assertThat(shop.tables()).containsExactly(new SourceOverview.TableOverview("orders", "Orders",
                dataDir.resolve("orders.csv").toString()));
        assertThat(shop.lastStatus()).isEqualTo("ok");
        assertThat(shop.rows()).isEqualTo(2);
        assertThat(shop.lastSuccessAt()).isNotNull();
        var crm = overview.get(1);
        assertThat(crm.lastStatus()).isEqualTo("failed");
        assertThat(crm.lastSuccessAt()).isNull();
        assertThat(crm.lastError()).isNotBlank();
        assertThat(crm.location()).contains("PASSWORD=***");
        assertThat(overview.toString()).doesNotContain("hunter2");
    }
}
