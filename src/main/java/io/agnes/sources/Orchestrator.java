package io.agnes.sources;

import io.agnes.observability.ErrorTracked;

import io.agnes.web.Database;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Rebuilds the analytics data: the boundary the sync API, the scheduler and the failure-reporting
 * interceptor see ({@code op=rebuild} / {@code op=rebuild_source}, {@code source=<name>}).
 *
 * <p>Both methods throw {@link SyncFailedException} when anything failed, AFTER the state was
 * recorded and, on a partial failure, after a master built from the good extracts was swapped in:
 * the failure is visible to interceptors while queries already see the fresh data.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN) // Rebuilder serialises runs itself; nothing else here needs a lock
@TransactionManagement(TransactionManagementType.BEAN) // a rebuild runs for minutes; the state store uses its own short transactions
@ErrorTracked(component = "orchestrator")
public class Orchestrator {

    @Inject
    DeclaredSources sources;

    @Inject
    AnalyticsDatabase analytics;

    @Inject
    SyncLedger ledger;

    @Inject
    Database database;

    Rebuilder rebuilder;

    @PostConstruct
    void init() {
        rebuilder = new Rebuilder(database.dataDir(), sources::load, analytics, ledger,
                name -> Optional.ofNullable(System.getenv(name)));
    }

    /**
     * Re-extracts every source and swaps in a new master. Serialised with every other rebuild.
     *
     * @throws SyncFailedException     some source or the master build failed (carries the report)
     * @throws InvalidSourcesException the sources file cannot be used; nothing changed
     */
    public SyncReport rebuild() {
        return rebuilder.rebuild();
    }

    /**
     * Re-extracts one source, then rebuilds the master from all current extracts.
     *
     * @throws UnknownSourceException  no source of that name is declared
     * @throws SyncFailedException     the source or the master build failed (carries the report)
     * @throws InvalidSourcesException the sources file cannot be used; nothing changed
     */
    public SyncReport rebuildSource(String name) {
        return rebuilder.rebuildSource(name);
    }
}
