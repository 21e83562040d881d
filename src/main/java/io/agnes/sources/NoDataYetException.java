package io.agnes.sources;

import io.agnes.web.ClientProblem;

/** There is no analytics database to read yet: no sync has succeeded so far. */
public class NoDataYetException extends ClientProblem {

    public NoDataYetException() {
        super(409, "No data yet: run a sync");
    }
}
