package io.agnes.sources;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.mvc.Controller;
import jakarta.mvc.Models;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.util.List;

/** The data catalog page: every queryable table with its source, description, tags, rows and columns. */
@Controller
@RequestScoped
@Path("catalog")
public class CatalogController {

    @Inject
    Models models;

    @Inject
    Catalog catalog;

    @GET
    public String page() {
        List<CatalogTableView> tables;
        try {
            tables = CatalogTableView.of(catalog.tables());
        } catch (NoDataYetException e) {
            // before the first successful sync: an empty state, not an error page
            tables = null;
        }
        models.put("noData", tables == null);
        models.put("tables", tables == null ? List.of() : tables);
        return "catalog.jsp";
    }
}
