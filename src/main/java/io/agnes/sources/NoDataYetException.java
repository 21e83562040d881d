package io.agnes.sources;

/** There is no analytics database to read yet: no sync has succeeded so far. */
public class NoDataYetException extends RuntimeException {

    public NoDataYetException() {
        super("No data yet: run a sync");
    }
}
