package io.agnes.query;

/** DuckDB rejected the query (syntax, unknown table or column, type error...): the user's SQL needs fixing. */
public class QueryFailedException extends RuntimeException {

    public QueryFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
