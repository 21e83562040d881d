package io.agnes.cli;

/**
 * Where {@link Da#run} reports the failures worth a developer's attention — transport errors and unexpected
 * exceptions, never normal exits, usage errors or Ctrl-C. The seam for a future error-tracking integration;
 * today only {@link #NONE} exists. The argv it receives is already redacted by {@link ArgvRedactor}.
 */
interface CliFailureReporter {

    CliFailureReporter NONE = failure -> {
    };

    void report(CliFailure failure);

    /** Called once after {@link #report}, before the process exits, so buffered events are not lost. */
    default void flush() {
    }
}
