package io.agnes.scheduler;

import io.agnes.llm.LlmClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Whether a job should run now, or why not. */
@ApplicationScoped
public class JobPreconditions {

    @Inject
    LlmClient llm;

    /** Null when the job may run; otherwise the reason it is skipped. */
    String skipReason(ScheduledJob job) {
        if (job == ScheduledJob.CATALOG_ENRICHMENT && !llm.configured()) {
            return "No LLM is configured (see LLM_PROVIDER)";
        }
        return null;
    }
}
