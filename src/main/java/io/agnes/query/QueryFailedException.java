package io.agnes.query;

import io.agnes.web.ClientProblem;

/** DuckDB rejected the query (syntax, unknown table or column, type error...): the user's SQL needs fixing. */
public class QueryFailedException extends ClientProblem {

    public QueryFailedException(String message, Throwable cause) {
        super(400, message, cause);
    }
}
