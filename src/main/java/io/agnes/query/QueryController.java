package io.agnes.query;

import io.agnes.llm.LlmClient;
import io.agnes.llm.LlmSettings;
import io.agnes.sources.Catalog;
import io.agnes.sources.CatalogTable;
import io.agnes.sources.NoDataYetException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.mvc.Controller;
import jakarta.mvc.Models;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;

/**
 * The query page: SQL or a plain-language question. The page only renders the forms; its script
 * ({@code static/query.js}) calls {@code POST /api/query} and {@code POST /api/ask} and shows the answer.
 */
@Controller
@RequestScoped
@Path("query")
public class QueryController {

    @Inject
    Models models;

    @Inject
    QueryRunner queryRunner;

    @Inject
    LlmClient llm;

    @Inject
    Catalog catalog;

    @Inject
    AskFlag askFlag;

    @GET
    public String page() {
        models.put("maxRows", queryRunner.maxRows());
        models.put("askEnabled", askFlag.enabled()); // the feature flag ask-llm hides the ask form
        boolean llmOn = llm.configured();
        models.put("llmConfigured", llmOn);
        if (!llmOn) {
            String reason = llm.settings().notConfiguredReason();
            models.put("llmReason", (reason == null ? "" : "Not configured: " + reason + ". ") + LlmSettings.HOW_TO_CONFIGURE);
        }
        List<String> tables;
        try {
            tables = catalog.tables().stream().map(CatalogTable::name).toList();
        } catch (NoDataYetException e) {
            tables = null;
        }
        models.put("noData", tables == null);
        models.put("tableNames", tables == null ? List.of() : tables);
        return "query.jsp";
    }
}
