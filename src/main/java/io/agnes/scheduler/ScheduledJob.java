package io.agnes.scheduler;

import io.agnes.web.Setting;

/**
 * The scheduler's jobs. Like the original's separate scheduler, each job is a call to Agnes' own HTTP API
 * with the scheduler secret, so a job does exactly what an admin's API call would do.
 */
public enum ScheduledJob {
    DATA_REFRESH("data_refresh", "POST", "/api/sync/trigger", Setting.AGNES_JOB_DATA_REFRESH_INTERVAL),
    HEALTH_CHECK("health_check", "GET", "/api/health", Setting.AGNES_JOB_HEALTH_CHECK_INTERVAL),
    CATALOG_ENRICHMENT("catalog_enrichment", "POST", "/api/admin/run-catalog-enrichment", Setting.AGNES_JOB_CATALOG_ENRICHMENT_INTERVAL);

    private final String id;
    private final String method;
    private final String path;
    private final Setting interval;

    ScheduledJob(String id, String method, String path, Setting interval) {
        this.id = id;
        this.method = method;
        this.path = path;
        this.interval = interval;
    }

    public String id() {
        return id;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public Setting interval() {
        return interval;
    }

    public static ScheduledJob byId(String id) {
        for (ScheduledJob job : values()) {
            if (job.id.equals(id)) {
                return job;
            }
        }
        throw new IllegalArgumentException("No scheduled job " + id);
    }
}
