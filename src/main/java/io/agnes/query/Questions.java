package io.agnes.query;

import io.agnes.llm.LlmClient;
import io.agnes.llm.SqlAnswer;
import io.agnes.sources.Catalog;
import io.agnes.sources.CatalogTable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.UUID;

/**
 * Answers a question in plain language: the LLM writes one read-only DuckDB query from the question and the
 * catalog, and the query runs through the same guard and runner as hand-written SQL.
 */
@ApplicationScoped
public class Questions {

    static final int MAX_QUESTION_LENGTH = 2000;

    @Inject
    Catalog catalog;

    @Inject
    LlmClient llm;

    @Inject
    QueryRunner queryRunner;

    /** What the user gets back: the question, the SQL the LLM wrote, its explanation and the rows. */
    public record Answer(String question, String sql, String explanation, List<QueryResult.Column> columns,
                         List<List<Object>> rows, boolean truncated, long elapsedMs, String traceId) {
    }

    /** The LLM's SQL could not run; the SQL and explanation are kept so the user can see what was tried. */
    public static class UnusableSqlException extends io.agnes.web.ClientProblem {
        private final SqlAnswer answer;

        UnusableSqlException(SqlAnswer answer, RuntimeException cause) {
            super(422, "The SQL written for this question could not run: " + cause.getMessage(), cause);
            this.answer = answer;
        }

        public SqlAnswer answer() {
            return answer;
        }
    }

    public Answer ask(String question, Integer limit) {
        String text = question == null ? "" : question.trim();
        if (text.isEmpty() || text.length() > MAX_QUESTION_LENGTH) {
            throw new QueryRefusedException("Ask a question of 1 to " + MAX_QUESTION_LENGTH + " characters.");
        }
        List<CatalogTable> tables = catalog.tables();
        // one trace id for every LLM attempt of this question (retries and format fallbacks included)
        String traceId = UUID.randomUUID().toString();
        SqlAnswer answer = SqlAnswer.from(llm.structured(systemPrompt(tables), text, SqlAnswer.SCHEMA, traceId));
        QueryResult result;
        try {
            result = queryRunner.run(answer.sql(), limit);
        } catch (QueryRefusedException | QueryFailedException e) {
            throw new UnusableSqlException(answer, e);
        }
        return new Answer(text, answer.sql(), answer.explanation(), result.columns(), result.rows(),
                result.truncated(), result.elapsedMs(), traceId);
    }

    static String systemPrompt(List<CatalogTable> tables) {
        StringBuilder prompt = new StringBuilder("""
                You are Agnes, a careful data analyst. Write ONE read-only DuckDB SQL query (SELECT or WITH … SELECT)
                that answers the user's question using only the tables below, and explain in one or two sentences
                what it computes. Never modify data, never read files, never use more than one statement. Prefer
                explicit column names, sensible ORDER BY, and a LIMIT when listing rows.

                Tables:
                """);
        for (CatalogTable table : tables) {
            prompt.append("- ").append(table.name()).append(" (").append(table.rowCount()).append(" rows)");
            if (table.description() != null) {
                prompt.append(": ").append(table.description());
            }
            prompt.append("\n  columns: ");
            prompt.append(String.join(", ", table.columns().stream().map(c -> c.name() + " " + c.type()).toList()));
            prompt.append('\n');
        }
        return prompt.toString();
    }
}
