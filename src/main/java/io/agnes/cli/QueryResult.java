package io.agnes.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A result set as the server sends it for {@code /api/query} and {@code /api/ask}:
 * {@code {"columns":[{"name","type"}], "rows":[[...]], "truncated", "elapsed_ms"}}.
 */
record QueryResult(List<String> columnNames, List<List<Object>> rows, boolean truncated, Long elapsedMs) {

    @SuppressWarnings("unchecked")
    static QueryResult from(Map<String, Object> json) {
        List<Object> columns = Json.list(json, "columns");
        List<Object> rows = Json.list(json, "rows");
        if (columns == null || rows == null) {
            throw new Json.MalformedJsonException("The result has no \"columns\" or \"rows\" array");
        }
        List<String> names = new ArrayList<>(columns.size());
        for (Object column : columns) {
            // {"name","type"} objects per the API; a bare name is accepted too
            names.add(column instanceof Map<?, ?> c ? Json.text((Map<String, Object>) c, "name") : TextTable.cell(column, ""));
        }
        List<List<Object>> table = new ArrayList<>(rows.size());
        for (Object row : rows) {
            if (!(row instanceof List<?> cells)) {
                throw new Json.MalformedJsonException("A result row is not an array: " + Json.write(row));
            }
            table.add(new ArrayList<>(cells));
        }
        return new QueryResult(names, table, Json.flag(json, "truncated"), Json.integer(json, "elapsed_ms"));
    }

    /** The line under a table: {@code (3 rows, 12 ms)}. */
    String summary() {
        StringBuilder text = new StringBuilder("(").append(rows.size()).append(rows.size() == 1 ? " row" : " rows");
        if (truncated) {
            text.append(", truncated: raise --limit for more");
        }
        if (elapsedMs != null) {
            text.append(", ").append(elapsedMs).append(" ms");
        }
        return text.append(')').toString();
    }

    String table() {
        return TextTable.render(columnNames, rows, "NULL");
    }

    /** RFC 4180: CRLF line ends; a field with a comma, quote, CR or LF is quoted, quotes doubled; NULL is empty. */
    String csv() {
        StringBuilder out = new StringBuilder();
        appendCsvLine(out, new ArrayList<>(columnNames));
        for (List<Object> row : rows) {
            appendCsvLine(out, row);
        }
        return out.toString();
    }

    private static void appendCsvLine(StringBuilder out, List<?> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Object value = values.get(i);
            String text = switch (value) {
                case null -> "";
                case String s -> s;
                case BigDecimal d -> d.toPlainString();
                case Boolean b -> b.toString();
                default -> Json.write(value);
            };
            if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
                out.append('"').append(text.replace("\"", "\"\"")).append('"');
            } else {
                out.append(text);
            }
        }
        out.append("\r\n");
    }
}
