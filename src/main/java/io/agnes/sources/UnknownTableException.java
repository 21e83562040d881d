package io.agnes.sources;

import io.agnes.web.ClientProblem;

/** No table of that name is in the current analytics database. */
public class UnknownTableException extends ClientProblem {

    public UnknownTableException(String table) {
        super(404, "Unknown table \"" + table + "\": it is not in the current analytics data");
    }
}
