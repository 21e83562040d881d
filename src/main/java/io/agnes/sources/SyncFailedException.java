package io.agnes.sources;

import jakarta.ejb.ApplicationException;
import java.util.stream.Collectors;

/**
 * A rebuild in which something failed. Thrown AFTER the state was recorded and, when some sources
 * succeeded, after a master built from the good extracts was swapped in: the report says which.
 */
@ApplicationException // reaches callers and interceptors as itself, not wrapped in an EJBException
public class SyncFailedException extends RuntimeException {

    private final transient SyncReport report;

    public SyncFailedException(SyncReport report) {
        super(describe(report));
        this.report = report;
    }

    public SyncReport report() {
        return report;
    }

    private static String describe(SyncReport report) {
        long failed = report.sources().stream().filter(s -> !s.ok()).count();
        String sources = report.sources().stream().filter(s -> !s.ok())
                .map(s -> s.source() + ": " + s.error()).collect(Collectors.joining("; "));
        StringBuilder message = new StringBuilder("Sync ").append(report.status());
        if (failed > 0) {
            message.append(": ").append(failed).append(" of ").append(report.sources().size())
                    .append(report.sources().size() == 1 ? " source" : " sources").append(" failed (").append(sources).append(')');
        }
        if (report.error() != null) {
            message.append(failed > 0 ? "; " : ": ").append(report.error());
        }
        return message.toString();
    }
}
