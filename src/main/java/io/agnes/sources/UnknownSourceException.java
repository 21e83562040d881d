package io.agnes.sources;

import io.agnes.web.ClientProblem;
import jakarta.ejb.ApplicationException;

/** No source of that name is declared in the sources file. */
@ApplicationException // reaches callers and interceptors as itself, not wrapped in an EJBException
public class UnknownSourceException extends ClientProblem {

    private final String source;

    public UnknownSourceException(String source) {
        super(404, "Unknown source \"" + source + "\": it is not declared in the sources file");
        this.source = source;
    }

    public String source() {
        return source;
    }
}
