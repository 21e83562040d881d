package io.agnes.query;

import io.agnes.web.ClientProblem;

/** The query ran longer than AGNES_QUERY_TIMEOUT_SECONDS and was cancelled. */
public class QueryTimeoutException extends ClientProblem {

    public QueryTimeoutException(int seconds) {
        super(408, "The query ran longer than " + seconds + " s and was cancelled; narrow it down (filters, LIMIT, fewer joins)");
    }
}
