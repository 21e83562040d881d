package io.agnes.sources;

/** No table of that name is in the current analytics database. */
public class UnknownTableException extends RuntimeException {

    public UnknownTableException(String table) {
        super("Unknown table \"" + table + "\": it is not in the current analytics data");
    }
}
