package io.agnes.sources;

import io.agnes.web.ClientProblem;
import java.time.Instant;

/** A sync was triggered while another one is still running. */
public class SyncAlreadyRunningException extends ClientProblem {

    private final transient Instant runningSince;

    public SyncAlreadyRunningException(Instant runningSince) {
        super(409, "A sync is already running (started " + runningSince + ")");
        this.runningSince = runningSince;
    }

    public Instant runningSince() {
        return runningSince;
    }
}
