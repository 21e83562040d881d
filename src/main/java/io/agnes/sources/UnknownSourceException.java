package io.agnes.sources;

import jakarta.ejb.ApplicationException;

/** No source of that name is declared in the sources file. */
@ApplicationException // reaches callers and interceptors as itself, not wrapped in an EJBException
public class UnknownSourceException extends RuntimeException {

    private final String source;

    public UnknownSourceException(String source) {
        super("Unknown source \"" + source + "\": it is not declared in the sources file");
        this.source = source;
    }

    public String source() {
        return source;
    }
}
