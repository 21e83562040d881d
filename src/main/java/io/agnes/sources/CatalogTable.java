package io.agnes.sources;

import java.time.Instant;
import java.util.List;

/**
 * A queryable table as the catalog API shows it.
 *
 * @param name              the name to use in SQL ({@code SELECT * FROM orders})
 * @param source            the source it comes from
 * @param description       the stored description (from the description job or an admin) when there
 *                          is one, else the one in the sources file, else null
 * @param sourceDescription the description written in the sources file, null when none
 * @param tags              stored tags, lower-case; empty when none
 * @param rowCount          rows at the last successful extraction of its source
 * @param describedAt       when the stored description/tags were last written, null when never
 * @param columns           in table order
 */
public record CatalogTable(String name, String source, String description, String sourceDescription, List<String> tags,
                           long rowCount, Instant describedAt, List<Column> columns) {

    public CatalogTable {
        tags = List.copyOf(tags);
        columns = List.copyOf(columns);
    }

    /** A column and its DuckDB type ({@code BIGINT}, {@code VARCHAR}, {@code DATE}, {@code DECIMAL(10,2)}, ...). */
    public record Column(String name, String type) {
    }
}
