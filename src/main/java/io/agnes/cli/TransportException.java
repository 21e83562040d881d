package io.agnes.cli;

/**
 * Talking to the server failed: it could not be reached, did not answer in time, or answered with an HTTP
 * error. Shown as {@code Error: <message>} plus a hint, exit code 1, and told to the failure reporter as
 * {@code error_kind=transport}.
 */
final class TransportException extends RuntimeException {

    private final int status;
    private final String hint;

    TransportException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.hint = hint;
    }

    TransportException(int status, String message, String hint) {
        super(message);
        this.status = status;
        this.hint = hint;
    }

    /** The HTTP status, or 0 when no answer arrived. */
    int status() {
        return status;
    }

    /** What the user can do about it; may be null. */
    String hint() {
        return hint;
    }
}
