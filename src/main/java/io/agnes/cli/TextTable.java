package io.agnes.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Rows as aligned plain-text columns: a header, a rule, number columns right-aligned, long cells cut. */
final class TextTable {

    static final int MAX_CELL_WIDTH = 60;

    private TextTable() {
    }

    /**
     * @param nullText how a JSON {@code null} shows: {@code NULL} in query results (so it differs from an empty
     *                 string), blank in listings
     */
    static String render(List<String> headers, List<List<Object>> rows, String nullText) {
        int columns = headers.size();
        if (columns == 0) {
            return "";
        }
        List<List<String>> cells = new ArrayList<>();
        int[] widths = new int[columns];
        boolean[] numeric = new boolean[columns];
        Arrays.fill(numeric, !rows.isEmpty());
        for (int c = 0; c < columns; c++) {
            widths[c] = width(headers.get(c));
        }
        for (List<Object> row : rows) {
            List<String> line = new ArrayList<>(columns);
            for (int c = 0; c < columns; c++) {
                Object value = c < row.size() ? row.get(c) : null;
                String text = cut(cell(value, nullText));
                line.add(text);
                widths[c] = Math.max(widths[c], width(text));
                numeric[c] &= value == null || value instanceof BigDecimal;
            }
            cells.add(line);
        }
        StringBuilder out = new StringBuilder();
        appendLine(out, headers.stream().map(TextTable::cut).toList(), widths, numeric);
        for (int c = 0; c < columns; c++) {
            out.append(c == 0 ? "" : "  ").append("-".repeat(widths[c]));
        }
        out.append('\n');
        for (List<String> line : cells) {
            appendLine(out, line, widths, numeric);
        }
        return out.toString();
    }

    private static void appendLine(StringBuilder out, List<String> line, int[] widths, boolean[] rightAligned) {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < widths.length; c++) {
            String cell = line.get(c);
            String pad = " ".repeat(widths[c] - width(cell));
            text.append(c == 0 ? "" : "  ").append(rightAligned[c] ? pad + cell : cell + pad);
        }
        out.append(text.toString().stripTrailing()).append('\n');
    }

    /** One value as one line of text; structure shows as compact JSON. */
    static String cell(Object value, String nullText) {
        String text = switch (value) {
            case null -> nullText;
            case String s -> s;
            case BigDecimal d -> d.toPlainString();
            case Boolean b -> b.toString();
            default -> Json.write(value);
        };
        return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\r").replace("\t", " ");
    }

    private static String cut(String text) {
        return width(text) <= MAX_CELL_WIDTH ? text : text.substring(0, text.offsetByCodePoints(0, MAX_CELL_WIDTH - 1)) + "…";
    }

    private static int width(String text) {
        return text.codePointCount(0, text.length());
    }
}
