package io.agnes.scheduler;

import io.agnes.auth.AdminOnly;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** {@code GET /api/admin/jobs/runs}: the recent runs of scheduled jobs, newest first. */
@Path("api/admin/jobs")
@Produces(MediaType.APPLICATION_JSON)
@AdminOnly
public class JobsResource {

    @Inject
    JobRuns jobRuns;

    public record RunView(String job, String method, String path, Instant startedAt, long durationMs,
                          Integer httpStatus, String outcome, String error, int attempt) {
        static RunView of(JobRun r) {
            return new RunView(r.getJob(), r.getMethod(), r.getPath(), r.getStartedAt(), r.getDurationMs(),
                    r.getHttpStatus(), r.getOutcome(), r.getError(), r.getAttempt());
        }
    }

    @GET
    @Path("runs")
    public List<RunView> runs(@QueryParam("limit") @DefaultValue("100") int limit) {
        return jobRuns.recent(Math.max(1, Math.min(limit, 1000))).stream().map(RunView::of).toList();
    }
}
