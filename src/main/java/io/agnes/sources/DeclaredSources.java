package io.agnes.sources;

import io.agnes.web.Database;
import io.agnes.web.Setting;
import io.agnes.web.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The sources the operator declared, read from the sources file.
 *
 * <p>Configuration: {@code AGNES_SOURCES_FILE} names the file. Unset: {@code <AGNES_DATA_DIR>/sources.json}
 * when it exists, else the sample that ships with Agnes (copied to {@code <AGNES_DATA_DIR>/sample/}), so a
 * newcomer sees real tables at once. The file is read on every use: edits apply at the next sync.
 */
@ApplicationScoped
public class DeclaredSources {

    @Inject
    Settings settings;

    @Inject
    Database database;

    @Inject
    SyncLedger ledger;

    private Path dataDir;

    /** For CDI. */
    protected DeclaredSources() {
    }

    public DeclaredSources(Settings settings, Path dataDir, SyncLedger ledger) {
        this.settings = settings;
        this.dataDir = dataDir;
        this.ledger = ledger;
    }

    /** The sources file in use. */
    public Path file() {
        if (settings.isSet(Setting.AGNES_SOURCES_FILE)) {
            return Path.of(settings.string(Setting.AGNES_SOURCES_FILE)).toAbsolutePath().normalize();
        }
        Path own = dataDir().resolve("sources.json");
        if (Files.isRegularFile(own)) {
            return own;
        }
        return SampleSources.install(dataDir().resolve("sample"));
    }

    /** Whether the bundled sample is in use (no sources file of the operator's own). */
    public boolean isSample() {
        return !settings.isSet(Setting.AGNES_SOURCES_FILE) && !Files.isRegularFile(dataDir().resolve("sources.json"));
    }

    /**
     * The declared sources, in file order.
     *
     * @throws InvalidSourcesException naming every problem of the file
     */
    public List<Source> load() {
        return SourcesFile.read(file());
    }

    /** Every declared source with its latest sync state. */
    public List<SourceOverview> overview() {
        Map<String, SourceState> states = ledger.states();
        return load().stream().map(source -> {
            SourceState state = states.get(source.name());
            List<SourceOverview.TableOverview> tables = source.tables().stream()
                    .map(t -> new SourceOverview.TableOverview(t.name(), t.description(), t.location())).toList();
            String location = source.kind() == Source.Kind.JDBC ? SourceExtractor.redactUrl(source.jdbcUrl()) : null;
            return state == null
                    ? new SourceOverview(source.name(), source.kind().label(), source.description(), location, tables,
                            null, null, null, null, null, null)
                    : new SourceOverview(source.name(), source.kind().label(), source.description(), location, tables,
                            state.getLastStatus(), state.getLastAttemptAt(), state.getLastSuccessAt(), state.getRows(),
                            state.getDurationMs(), state.getLastError());
        }).toList();
    }

    private Path dataDir() {
        if (dataDir == null) {
            dataDir = database.dataDir();
        }
        return dataDir;
    }
}
