package io.agnes.sources;

import java.time.Instant;

/** A sync was triggered while another one is still running. */
public class SyncAlreadyRunningException extends RuntimeException {

    private final transient Instant runningSince;

    public SyncAlreadyRunningException(Instant runningSince) {
        super("A sync is already running (started " + runningSince + ")");
        this.runningSince = runningSince;
    }

    public Instant runningSince() {
        return runningSince;
    }
}
