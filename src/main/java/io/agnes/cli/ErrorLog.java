package io.agnes.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * {@code last-error.log} in the config directory: the stack traces of unexpected errors, so the terminal shows
 * one line and a bug report can still have the details. Owner-only like the config; started afresh when it
 * passes {@value #MAX_BYTES} bytes so it never grows without bound.
 */
final class ErrorLog {

    static final String FILE_NAME = "last-error.log";
    static final long MAX_BYTES = 1024 * 1024;

    private ErrorLog() {
    }

    /** Appends the error and returns the log's path; throws if the log cannot be written. */
    static Path append(Path configDir, List<String> argv, Throwable error) throws IOException {
        Path log = configDir.resolve(FILE_NAME);
        StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        String entry = "=== " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "  da " + String.join(" ", ArgvRedactor.redact(argv))
                + "  (da " + Da.version() + ", Java " + Runtime.version() + ")\n" + trace + "\n";
        if (Files.exists(log) && Files.size(log) > MAX_BYTES) {
            PrivateFiles.writeAtomically(log, entry);
        } else {
            PrivateFiles.append(log, entry);
        }
        return log;
    }
}
