package io.agnes.query;

/** The SQL is not a single read-only query Agnes will run; the message says why and what is allowed. */
public class QueryRefusedException extends RuntimeException {

    public QueryRefusedException(String message) {
        super(message);
    }
}
