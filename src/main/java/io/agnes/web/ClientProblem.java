package io.agnes.web;

/**
 * A failure the caller can do something about (a refused query, an unknown table, a sync already running):
 * features throw a subclass with the HTTP status it deserves, and {@link UnhandledExceptionMapper} answers
 * with that status and the message as {@code detail} — no JAX-RS types in the feature's logic, no 500.
 */
public abstract class ClientProblem extends RuntimeException {

    private final int status;

    protected ClientProblem(int status, String message) {
        super(message);
        this.status = status;
    }

    protected ClientProblem(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** An HTTP status from 400 to 499. */
    public int status() {
        return status;
    }
}
