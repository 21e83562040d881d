package io.agnes.sources;

import io.agnes.auth.AdminOnly;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;

/**
 * The data sync: {@code POST /api/sync/trigger} (admins; 202, runs in the background; 409 while one runs),
 * {@code GET /api/sync/status}, {@code GET /api/sync/history}, and {@code GET /api/sources}.
 */
@Path("api")
@Produces(MediaType.APPLICATION_JSON)
public class SyncResource {

    @Inject
    SyncRunner syncRunner;

    @Inject
    SyncLedger ledger;

    @Inject
    DeclaredSources sources;

    /**
     * The sync status for API clients. {@code state} is {@code running} while a run is in progress, else the
     * outcome of the last run: {@code succeeded}, {@code failed} (also for a partial run), or {@code idle}
     * before any run since the server started.
     */
    public record StatusView(String state, String runId, boolean running, String op, String source,
                             Instant startedAt, Instant finishedAt, String error, SyncReport lastRun) {
        static StatusView of(SyncStatus status) {
            SyncReport last = status.lastRun();
            if (status.running()) {
                return new StatusView("running", null, true, status.op(), status.source(), status.startedAt(),
                        null, null, last);
            }
            if (last == null) {
                return new StatusView("idle", null, false, null, null, null, null, null, null);
            }
            String state = SyncReport.OK.equals(last.status()) ? "succeeded" : "failed";
            return new StatusView(state, last.runId(), false, last.op(), last.source(), last.startedAt(),
                    last.finishedAt(), last.error(), last);
        }
    }

    @POST
    @Path("sync/trigger")
    @AdminOnly
    public Response trigger(@QueryParam("source") String source) {
        SyncStatus started = source == null || source.isBlank() ? syncRunner.trigger() : syncRunner.trigger(source);
        return Response.accepted(StatusView.of(started)).build();
    }

    @GET
    @Path("sync/status")
    public StatusView status() {
        return StatusView.of(syncRunner.status());
    }

    @GET
    @Path("sync/history")
    public List<SyncHistoryEntry> history(@QueryParam("limit") @DefaultValue("50") int limit) {
        return ledger.history(Math.max(1, Math.min(limit, 500)));
    }

    @GET
    @Path("sources")
    public List<SourceOverview> sources() {
        return sources.overview();
    }
}
