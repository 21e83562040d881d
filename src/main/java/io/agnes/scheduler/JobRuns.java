package io.agnes.scheduler;

import io.agnes.web.Database;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** The history of job runs: recorded after each run, listed newest first, trimmed to 30 days. */
@ApplicationScoped
public class JobRuns {

    static final int RETENTION_DAYS = 30;

    @Inject
    Database database;

    void record(JobRun run) {
        database.runInTransaction(em -> {
            em.persist(run);
            em.createQuery("DELETE FROM JobRun r WHERE r.startedAt < :cutoff")
                    .setParameter("cutoff", Instant.now().minus(RETENTION_DAYS, ChronoUnit.DAYS))
                    .executeUpdate();
        });
    }

    public List<JobRun> recent(int max) {
        return database.read(em -> em.createQuery("SELECT r FROM JobRun r ORDER BY r.startedAt DESC", JobRun.class)
                .setMaxResults(max).getResultList());
    }
}
