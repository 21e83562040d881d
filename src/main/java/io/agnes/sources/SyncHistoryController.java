package io.agnes.sources;

import io.agnes.auth.AdminOnly;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.mvc.Controller;
import jakarta.mvc.Models;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;

/** Admin page: the sync running now and the recent sync history, one block per run. */
@Controller
@RequestScoped
@Path("admin/sync")
@AdminOnly
public class SyncHistoryController {

    static final int HISTORY_LINES = 50;

    @Inject
    Models models;

    @Inject
    SyncLedger ledger;

    @Inject
    SyncRunner runner;

    @GET
    public String page() {
        List<SyncRunView> runs = SyncRunView.fromHistory(ledger.history(HISTORY_LINES));
        models.put("runs", runs);
        models.put("sync", LastSyncView.of(runner.status(), runs));
        models.put("historyLines", HISTORY_LINES);
        return "sync-history.jsp";
    }
}
