package io.agnes.sources;

import io.agnes.web.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Sync state, sync history and table notes in the relational database. */
@ApplicationScoped
public class SyncLedger {

    @Inject
    Database database;

    /** For CDI. */
    protected SyncLedger() {
    }

    public SyncLedger(Database database) {
        this.database = database;
    }

    /** Records one source's outcome: its state and a history line. */
    void recordSource(String runId, String op, Instant startedAt, SyncReport.SourceResult result) {
        database.runInTransaction(em -> {
            SourceState state = em.find(SourceState.class, result.source());
            if (state == null) {
                state = new SourceState(result.source());
                em.persist(state);
            }
            if (result.ok()) {
                state.recordSuccess(startedAt, result.rows(), result.tables().size(), result.durationMs());
            } else {
                state.recordFailure(startedAt, result.error());
            }
            em.persist(new SyncHistoryEntry(runId, op, result.source(), startedAt, result.durationMs(), result.status(),
                    result.ok() ? result.rows() : null, result.error()));
        });
    }

    /** Records a run that failed outside any single source (sources file, master build). */
    void recordRunFailure(String runId, String op, String source, Instant startedAt, long durationMs, String error) {
        database.runInTransaction(em -> em.persist(
                new SyncHistoryEntry(runId, op, source, startedAt, durationMs, SyncReport.FAILED, null, error)));
    }

    /** The state of every source that was ever synced, by source name. */
    public Map<String, SourceState> states() {
        Map<String, SourceState> states = new LinkedHashMap<>();
        database.read(em -> em.createQuery("SELECT s FROM SourceState s ORDER BY s.sourceName", SourceState.class)
                .getResultList()).forEach(s -> states.put(s.getSourceName(), s));
        return states;
    }

    public Optional<SourceState> state(String source) {
        return Optional.ofNullable(database.read(em -> em.find(SourceState.class, source)));
    }

    /** The newest {@code limit} history lines, newest first. */
    public List<SyncHistoryEntry> history(int limit) {
        return database.read(em -> em.createQuery(
                        "SELECT h FROM SyncHistoryEntry h ORDER BY h.startedAt DESC, h.sourceName", SyncHistoryEntry.class)
                .setMaxResults(Math.max(1, limit)).getResultList());
    }

    /** Stored notes of every table, by table name. */
    public Map<String, TableNote> notes() {
        Map<String, TableNote> notes = new LinkedHashMap<>();
        database.read(em -> em.createQuery("SELECT n FROM TableNote n", TableNote.class).getResultList())
                .forEach(n -> notes.put(n.getTableName(), n));
        return notes;
    }

    void saveNote(String table, String description, List<String> tags) {
        database.runInTransaction(em -> {
            TableNote note = em.find(TableNote.class, table);
            if (note == null) {
                note = new TableNote(table);
                note.update(description, tags);
                em.persist(note);
            } else {
                note.update(description, tags);
            }
        });
    }
}
