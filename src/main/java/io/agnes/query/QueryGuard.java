package io.agnes.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Accepts only a single read query: {@code SELECT}, {@code WITH … SELECT}, {@code VALUES},
 * {@code FROM …} (DuckDB's FROM-first select), {@code TABLE t}, {@code PIVOT}/{@code UNPIVOT},
 * {@code SHOW}, {@code DESCRIBE}, {@code SUMMARIZE} and {@code EXPLAIN} of those. A trailing semicolon is
 * fine; a second statement is not.
 *
 * <p>The check works on tokens, after comments are dropped and string literals and quoted
 * identifiers are set apart, so neither {@code /* … *}{@code /} nor {@code 'drop table'} can hide or fake a
 * keyword. Also refused: data-changing statements inside a CTE ({@code WITH x AS (INSERT … RETURNING *)}),
 * table functions that read files or URLs ({@code read_csv}, {@code read_parquet}, {@code glob}, …) or run
 * SQL given as text ({@code query}), and a file path in place of a table ({@code FROM 'data.csv'}).
 *
 * <p>This is the first line of defence and the one that gives clear messages; the second is the
 * connection itself: read-only, with file and network access switched off.
 */
public final class QueryGuard {

    static final Set<String> READ_STATEMENTS = Set.of("select", "with", "values", "from", "table", "pivot", "unpivot",
            "show", "describe", "summarize", "explain");

    private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of("glob", "sniff_csv", "query", "query_table",
            "json_execute_serialized_sql", "checkpoint", "force_checkpoint", "enable_logging", "disable_logging",
            "truncate_duckdb_logs", "enable_profiling", "disable_profiling", "enable_profile", "disable_profile", "getenv",
            "load_extension", "install_extension");

    private static final List<String> FORBIDDEN_FUNCTION_PREFIXES = List.of("read_", "parquet_", "iceberg_", "delta_",
            "sqlite_", "postgres_", "mysql_", "excel_", "st_read");

    private enum Kind { WORD, QUOTED, STRING, NUMBER, SYMBOL, SEMICOLON }

    private record Token(Kind kind, String text) {
        boolean isWord(String word) {
            return kind == Kind.WORD && text.equals(word);
        }

        boolean isSymbol(String symbol) {
            return kind == Kind.SYMBOL && text.equals(symbol);
        }
    }

    /**
     * @throws QueryRefusedException when {@code sql} is not a single read query
     */
    public void check(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new QueryRefusedException("The query is empty");
        }
        List<List<Token>> statements = new ArrayList<>();
        List<Token> statement = new ArrayList<>();
        for (Token token : tokenize(sql)) {
            if (token.kind == Kind.SEMICOLON) {
                if (!statement.isEmpty()) {
                    statements.add(statement);
                    statement = new ArrayList<>();
                }
            } else {
                statement.add(token);
            }
        }
        if (!statement.isEmpty()) {
            statements.add(statement);
        }
        if (statements.isEmpty()) {
            throw new QueryRefusedException("The query is empty");
        }
        if (statements.size() > 1) {
            throw new QueryRefusedException("Only one statement can run at a time; this has " + statements.size());
        }
        checkStatement(statements.get(0));
    }

    private static void checkStatement(List<Token> tokens) {
        int first = 0;
        while (first < tokens.size() && tokens.get(first).isSymbol("(")) {
            first++;
        }
        requireReadStatement(tokens, first);
        if (tokens.get(first).isWord("explain")) {
            int target = first + 1;
            if (target < tokens.size() && tokens.get(target).isWord("analyze")) {
                target++;
            }
            target = skipParenthesised(tokens, target);
            requireReadStatement(tokens, target);
        }
        for (int i = 0; i < tokens.size(); i++) {
            Token token = tokens.get(i);
            Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            Token previous = i > 0 ? tokens.get(i - 1) : null;
            if (token.kind == Kind.WORD && next != null && writesData(token.text, tokens, i)) {
                throw new QueryRefusedException("\"" + token.text.toUpperCase(Locale.ROOT) + "\" changes data: only read"
                        + " queries can run here");
            }
            if ((token.kind == Kind.WORD || token.kind == Kind.QUOTED) && next != null && next.isSymbol("(")
                    && readsFiles(token.text)) {
                throw new QueryRefusedException("The function " + token.text + "() reads files, URLs or runs SQL text,"
                        + " which is not allowed: query the tables of the catalog instead");
            }
            if (token.kind == Kind.STRING && previous != null && (previous.isWord("from") || previous.isWord("join"))) {
                throw new QueryRefusedException("Reading a file or URL (FROM '" + token.text + "') is not allowed: query"
                        + " the tables of the catalog instead");
            }
        }
    }

    /**
     * Whether the word at {@code i} starts a data-changing statement inside parentheses, the one place
     * DuckDB accepts one within a read statement ({@code WITH x AS (DELETE FROM t RETURNING *) SELECT …}).
     * These words are not reserved in DuckDB and may be column names, so only the statement shapes count.
     */
    private static boolean writesData(String word, List<Token> tokens, int i) {
        if (i == 0 || !tokens.get(i - 1).isSymbol("(")) {
            return false;
        }
        Token next = tokens.get(i + 1);
        return switch (word) {
            case "insert" -> next.isWord("into") || next.isWord("or");
            case "merge" -> next.isWord("into");
            case "delete" -> next.isWord("from");
            case "update" -> (next.kind == Kind.WORD || next.kind == Kind.QUOTED) && followedBySet(tokens, i + 2);
            default -> false;
        };
    }

    /** {@code UPDATE t SET …} / {@code UPDATE s.t AS x SET …}: SET within the next few tokens. */
    private static boolean followedBySet(List<Token> tokens, int from) {
        for (int i = from; i < Math.min(tokens.size(), from + 6); i++) {
            if (tokens.get(i).isWord("set")) {
                return true;
            }
        }
        return false;
    }

    private static void requireReadStatement(List<Token> tokens, int index) {
        if (index >= tokens.size()) {
            throw new QueryRefusedException("The query is incomplete");
        }
        Token token = tokens.get(index);
        if (token.kind != Kind.WORD || !READ_STATEMENTS.contains(token.text)) {
            String what = token.kind == Kind.WORD ? token.text.toUpperCase(Locale.ROOT) : token.text;
            throw new QueryRefusedException("Only read queries can run here (SELECT, WITH, VALUES, FROM, TABLE, PIVOT,"
                    + " UNPIVOT, SHOW, DESCRIBE, SUMMARIZE, EXPLAIN); this one starts with " + what);
        }
    }

    private static int skipParenthesised(List<Token> tokens, int index) {
        if (index >= tokens.size() || !tokens.get(index).isSymbol("(")) {
            return index;
        }
        int depth = 0;
        for (int i = index; i < tokens.size(); i++) {
            if (tokens.get(i).isSymbol("(")) {
                depth++;
            } else if (tokens.get(i).isSymbol(")") && --depth == 0) {
                return i + 1;
            }
        }
        return tokens.size();
    }

    private static boolean readsFiles(String function) {
        return FORBIDDEN_FUNCTIONS.contains(function) || function.endsWith("_scan")
                || function.contains("external_resource")
                || FORBIDDEN_FUNCTION_PREFIXES.stream().anyMatch(function::startsWith);
    }

    /** Splits SQL into tokens; comments vanish, strings and quoted identifiers keep their content only. */
    private static List<Token> tokenize(String sql) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n' && sql.charAt(i) != '\r') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i);
            } else if (c == '\'') {
                i = readQuoted(sql, i, '\'', Kind.STRING, false, tokens);
            } else if ((c == 'e' || c == 'E') && i + 1 < n && sql.charAt(i + 1) == '\'') {
                i = readQuoted(sql, i + 1, '\'', Kind.STRING, true, tokens);
            } else if (c == '"') {
                i = readQuoted(sql, i, '"', Kind.QUOTED, false, tokens);
            } else if (c == '$' && dollarTagEnd(sql, i) > 0) {
                i = readDollarQuoted(sql, i, tokens);
            } else if (c == ';') {
                tokens.add(new Token(Kind.SEMICOLON, ";"));
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$')) {
                    i++;
                }
                tokens.add(new Token(Kind.WORD, sql.substring(start, i).toLowerCase(Locale.ROOT)));
            } else if (Character.isDigit(c)) {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token(Kind.NUMBER, sql.substring(start, i)));
            } else {
                tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
                i++;
            }
        }
        return tokens;
    }

    /** Block comments nest in DuckDB, as in PostgreSQL. */
    private static int skipBlockComment(String sql, int start) {
        int depth = 0;
        int i = start;
        while (i < sql.length()) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        throw new QueryRefusedException("A /* comment is not closed");
    }

    private static int readQuoted(String sql, int start, char quote, Kind kind, boolean backslashEscapes, List<Token> tokens) {
        StringBuilder text = new StringBuilder();
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\' && i + 1 < sql.length()) {
                text.append(sql.charAt(i + 1));
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    text.append(quote);
                    i += 2;
                } else {
                    String value = text.toString();
                    tokens.add(new Token(kind, kind == Kind.QUOTED ? value.toLowerCase(Locale.ROOT) : value));
                    return i + 1;
                }
            } else {
                text.append(c);
                i++;
            }
        }
        throw new QueryRefusedException(kind == Kind.STRING ? "A string literal is not closed" : "A quoted name is not closed");
    }

    /** The index after the opening {@code $tag$}, or -1 when {@code $} does not start one ({@code $1} is a parameter). */
    private static int dollarTagEnd(String sql, int start) {
        int i = start + 1;
        if (i < sql.length() && sql.charAt(i) == '$') {
            return i + 1;
        }
        if (i >= sql.length() || !(Character.isLetter(sql.charAt(i)) || sql.charAt(i) == '_')) {
            return -1;
        }
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        return i < sql.length() && sql.charAt(i) == '$' ? i + 1 : -1;
    }

    private static int readDollarQuoted(String sql, int start, List<Token> tokens) {
        int bodyStart = dollarTagEnd(sql, start);
        String tag = sql.substring(start, bodyStart);
        int end = sql.indexOf(tag, bodyStart);
        if (end < 0) {
            throw new QueryRefusedException("A " + tag + " quoted string is not closed");
        }
        tokens.add(new Token(Kind.STRING, sql.substring(bodyStart, end)));
        return end + tag.length();
    }
}
