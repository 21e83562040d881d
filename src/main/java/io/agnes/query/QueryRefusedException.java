package io.agnes.query;

import io.agnes.web.ClientProblem;

/** The SQL is not a single read-only query Agnes will run; the message says why and what is allowed. */
public class QueryRefusedException extends ClientProblem {

    public QueryRefusedException(String message) {
        super(400, message);
    }
}
