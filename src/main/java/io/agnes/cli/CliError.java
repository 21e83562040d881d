package io.agnes.cli;

/**
 * An expected failure the user can fix (not logged in, a bad server URL, an unreadable config file): shown as
 * {@code Error: <message>} plus a hint, exit code 1, and NOT told to the failure reporter — nothing is broken.
 */
final class CliError extends RuntimeException {

    private final String hint;

    CliError(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    String hint() {
        return hint;
    }
}
