package io.agnes.scheduler;

import jakarta.enterprise.context.ApplicationScoped;

/** Whether a job should run now, or why not. */
@ApplicationScoped
public class JobPreconditions {

    /** Null when the job may run; otherwise the reason it is skipped. */
    String skipReason(ScheduledJob job) {
        return null;
    }
}
