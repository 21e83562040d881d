package io.agnes.query;

import java.util.List;

/**
 * The answer to a query; serialises as the JSON of the query API:
 * {@code {"columns":[{"name","type"}], "rows":[[...]], "truncated":bool, "elapsed_ms":n}}.
 *
 * <p>Values are JSON-friendly: numbers (integers, DECIMAL, HUGEINT) and booleans as JSON numbers and
 * booleans (DECIMAL keeps its exact digits); dates, times and timestamps as ISO-8601 strings
 * ({@code 2024-01-31}, {@code 2024-01-31T13:45:00}, with offset for TIMESTAMPTZ); NaN and infinities,
 * UUIDs, intervals and other types as their DuckDB text; BLOBs as base64; LISTs as arrays; STRUCTs and
 * MAPs as their text.
 *
 * @param rows      at most the row cap; each row has one value per column
 * @param truncated true when the query had more rows than were returned
 * @param elapsedMs time to run the query and read the returned rows
 */
public record QueryResult(List<Column> columns, List<List<Object>> rows, boolean truncated, long elapsedMs) {

    /** A result column with its DuckDB type name ({@code BIGINT}, {@code VARCHAR}, {@code DECIMAL(18,2)}, ...). */
    public record Column(String name, String type) {
    }
}
