package io.agnes.cli;

import java.io.PrintWriter;
import java.util.function.Function;

/**
 * Where {@link Da#run} reports the failures worth a developer's attention — transport errors and unexpected
 * exceptions, never normal exits, usage errors or Ctrl-C. The argv it receives is already redacted by
 * {@link ArgvRedactor}. {@link #forEnvironment} picks the implementation: {@link PostHogFailureReporter} when
 * {@value #POSTHOG_API_KEY} is set, else {@link #NONE}.
 */
interface CliFailureReporter {

    String POSTHOG_API_KEY = "POSTHOG_API_KEY";

    CliFailureReporter NONE = failure -> {
    };

    void report(CliFailure failure);

    /** Called once after {@link #report}, before the process exits, so buffered events are not lost. */
    default void flush() {
    }

    /**
     * {@link #NONE} unless {@value #POSTHOG_API_KEY} is set (set-but-blank counts as unset): then nothing of the
     * PostHog integration is even loaded. Never fails: a CLI whose jar lacked the reporter would run without it.
     */
    static CliFailureReporter forEnvironment(Function<String, String> variables, PrintWriter err) {
        String key = variables.apply(POSTHOG_API_KEY);
        if (key == null || key.isBlank()) {
            return NONE;
        }
        try {
            return new PostHogFailureReporter(variables, err);
        } catch (LinkageError e) {
            return NONE;
        }
    }
}
