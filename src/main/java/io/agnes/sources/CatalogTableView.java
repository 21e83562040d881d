package io.agnes.sources;

import io.agnes.web.Display;
import java.util.List;

/** A catalog table with JavaBean getters for the pages (EL cannot read record components). */
public final class CatalogTableView {

    private final CatalogTable table;

    public CatalogTableView(CatalogTable table) {
        this.table = table;
    }

    public static List<CatalogTableView> of(List<CatalogTable> tables) {
        return tables.stream().map(CatalogTableView::new).toList();
    }

    public String getName() {
        return table.name();
    }

    public String getSource() {
        return table.source();
    }

    public String getDescription() {
        return table.description();
    }

    public List<String> getTags() {
        return table.tags();
    }

    public String getRowCount() {
        return Display.count(table.rowCount());
    }

    public List<ColumnView> getColumns() {
        return table.columns().stream().map(c -> new ColumnView(c.name(), c.type())).toList();
    }

    /** A column: name and DuckDB type. */
    public record ColumnView(String name, String type) {

        public String getName() {
            return name;
        }

        public String getType() {
            return type;
        }
    }
}
