package io.agnes.dashboard;

import io.agnes.sources.DeclaredSources;
import io.agnes.sources.InvalidSourcesException;
import io.agnes.sources.LastSyncView;
import io.agnes.sources.SyncLedger;
import io.agnes.sources.SyncRunView;
import io.agnes.sources.SyncRunner;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.mvc.Controller;
import jakarta.mvc.Models;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;

/** The start page after signing in. */
@Controller
@RequestScoped
@Path("")
public class DashboardController {

    /** History lines read to find the last run's lines (one per source); more than any file declares. */
    static final int LAST_RUN_LINES = 50;

    @Inject
    Models models;

    @Inject
    DeclaredSources declaredSources;

    @Inject
    SyncRunner syncRunner;

    @Inject
    SyncLedger syncLedger;

    @GET
    public String dashboard() {
        try {
            models.put("sources", SourceRow.of(declaredSources.overview()));
        } catch (InvalidSourcesException e) {
            // the page still renders: the message names every problem of the file, which is what an admin must fix
            models.put("sources", List.of());
            models.put("sourcesError", e.getMessage());
        }
        models.put("sampleSources", declaredSources.isSample());
        List<SyncRunView> runs = SyncRunView.fromHistory(syncLedger.history(LAST_RUN_LINES));
        models.put("sync", LastSyncView.of(syncRunner.status(), runs.isEmpty() ? runs : runs.subList(0, 1)));
        return "dashboard.jsp";
    }

    /** A standalone page with its own layout: what Agnes is and how to use it. */
    @GET
    @Path("help")
    public String help() {
        return "help.jsp";
    }
}
