package io.agnes.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the dashboard and the admin sync page say about runs, from real syncs of CSV files. */
class SyncRunViewTest {

    private static final String TWO_SOURCES = """
            {"sources": [
              {"name": "shop", "kind": "csv", "tables": [{"name": "orders", "file": "orders.csv"}]},
              {"name": "crm", "kind": "csv", "tables": [{"name": "accounts", "file": "accounts.csv"}]}
            ]}""";

    @TempDir
    Path dataDir;

    AnalyticsFixture fixture;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new AnalyticsFixture(dataDir);
        Files.writeString(dataDir.resolve("orders.csv"), "id,amount\n1,10\n2,20\n");
        Files.writeString(dataDir.resolve("accounts.csv"), "id,name\n1,Acme\n");
        Files.writeString(dataDir.resolve("sources.json"), TWO_SOURCES);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void historyIsShownAsRunsNewestFirstWithEachSourcesOutcome() throws IOException {
        fixture.rebuilder.rebuild();
        Files.delete(dataDir.resolve("accounts.csv"));
        assertThatThrownBy(() -> fixture.rebuilder.rebuild()).isInstanceOf(SyncFailedException.class);
        Files.writeString(dataDir.resolve("sources.json"), "{\"sources\": [{\"name\": \"shop\"}]}");
        assertThatThrownBy(() -> fixture.rebuilder.rebuild()).isInstanceOf(InvalidSourcesException.class);

        List<SyncRunView> runs = SyncRunView.fromHistory(fixture.ledger.history(50));

        assertThat(runs).extracting(SyncRunView::getStatus).containsExactly("failed", "partial", "ok");

        SyncRunView invalidFile = runs.get(0);
        assertThat(invalidFile.getLines()).singleElement().satisfies(line -> {
            assertThat(line.getSource()).isEqualTo("(whole run)");
            assertThat(line.getError()).contains("field \"kind\"");
        });
        assertThat(invalidFile.getErrors()).singleElement().asString().contains("field \"kind\"");
        assertThat(invalidFile.isTimed()).isTrue();

        SyncRunView partial = runs.get(1);
        assertThat(partial.getScope()).isEqualTo("all sources");
        assertThat(partial.getSummary()).isEqualTo("1 source ok, 1 failed · 2 rows");
        assertThat(partial.getLines()).extracting(SyncRunView.Line::getSource, SyncRunView.Line::getStatus,
                        SyncRunView.Line::getRows)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("shop", "ok", "2"),
                        org.assertj.core.groups.Tuple.tuple("crm", "failed", "—"));
        assertThat(partial.getErrors()).singleElement().asString().startsWith("crm: ").contains("accounts.csv");
        assertThat(partial.isTimed()).as("history keeps each source's duration, not the run's").isFalse();

        SyncRunView ok = runs.get(2);
        assertThat(ok.getSummary()).isEqualTo("2 sources ok · 3 rows");
        assertThat(ok.getErrors()).isEmpty();
        assertThat(ok.getStartedAt()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC");
    }

    @Test
    void aRunTheServerJustFinishedIsShownFromItsReport() throws IOException {
        fixture.rebuilder.rebuild();
        Files.delete(dataDir.resolve("orders.csv"));
        SyncReport report = catchThrowableOfType(SyncFailedException.class, () -> fixture.rebuilder.rebuild()).report();

        SyncRunView run = SyncRunView.fromReport(report);

        assertThat(run.getStatus()).isEqualTo("partial");
        assertThat(run.getSummary()).isEqualTo("1 source ok, 1 failed · 1 row");
        assertThat(run.getErrors()).singleElement().asString().startsWith("shop: ");
        assertThat(run.isTimed()).isTrue();
        assertThat(run.getRunId()).isEqualTo(SyncRunView.fromHistory(fixture.ledger.history(50)).getFirst().getRunId());
    }

    @Test
    void theDashboardShowsTheNewerOfTheRunnersLastRunAndTheHistory() throws IOException {
        fixture.rebuilder.rebuild();
        SyncReport older = fixture.rebuilder.rebuild();
        Files.delete(dataDir.resolve("orders.csv"));
        assertThatThrownBy(() -> fixture.rebuilder.rebuild()).isInstanceOf(SyncFailedException.class);
        List<SyncRunView> history = SyncRunView.fromHistory(fixture.ledger.history(50));

        LastSyncView afterRestart = LastSyncView.of(new SyncStatus(false, null, null, null, null), history);
        LastSyncView runnerBehind = LastSyncView.of(new SyncStatus(false, null, null, null, older), history);

        assertThat(afterRestart.isRunning()).isFalse();
        assertThat(afterRestart.getRunningText()).isEmpty();
        assertThat(afterRestart.getLastRun().getStatus()).isEqualTo("partial");
        assertThat(runnerBehind.getLastRun().getStatus()).as("a newer run in the history wins").isEqualTo("partial");
        assertThat(LastSyncView.of(new SyncStatus(false, null, null, null, older), List.of()).getLastRun().getStatus())
                .isEqualTo("ok");
    }

    @Test
    void aRunningSyncSaysSinceWhenAndWhatAndNothingRanMeansNoLastRun() {
        SyncStatus running = new SyncStatus(true, SyncReport.OP_REBUILD_SOURCE, "crm",
                Instant.parse("2024-01-31T13:45:07Z"), null);

        LastSyncView view = LastSyncView.of(running, List.of());

        assertThat(view.isRunning()).isTrue();
        assertThat(view.getRunningText()).isEqualTo("since 2024-01-31 13:45:07 UTC (source crm)");
        assertThat(view.getLastRun()).isNull();
    }
}
