package io.agnes.cli;

/**
 * One failure of one {@code da} invocation, safe to send off the machine.
 *
 * @param command the first argument ({@code <no-command>} when there was none), redacted
 * @param argv    all arguments, redacted, joined with spaces, at most {@link #MAX_ARGV_CHARS} characters
 * @param kind    transport (the server could not be used) or unhandled (a bug in the CLI)
 * @param error   the exception itself
 */
record CliFailure(String command, String argv, Kind kind, Throwable error) {

    static final int MAX_ARGV_CHARS = 512;

    enum Kind {
        TRANSPORT, UNHANDLED;

        /** The {@code error_kind} property value. */
        String wireName() {
            return name().toLowerCase();
        }
    }
}
