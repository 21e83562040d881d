package io.agnes.query;

/** The query ran longer than AGNES_QUERY_TIMEOUT_SECONDS and was cancelled. */
public class QueryTimeoutException extends RuntimeException {

    public QueryTimeoutException(int seconds) {
        super("The query ran longer than " + seconds + " s and was cancelled; narrow it down (filters, LIMIT, fewer joins)");
    }
}
