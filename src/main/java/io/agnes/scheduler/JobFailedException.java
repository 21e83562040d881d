package io.agnes.scheduler;

import io.agnes.observability.ErrorContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scheduled job's call failed: no response (transport error) or an HTTP status of 400 or more. Thrown out of
 * the timer callback so that timeout interceptors (error tracking) see every failed run.
 */
public class JobFailedException extends RuntimeException implements ErrorContext {

    private final String job;
    private final String method;
    private final String path;
    private final Integer httpStatus;
    private final int attempt;

    JobFailedException(ScheduledJob job, Integer httpStatus, int attempt, String message) {
        super(message);
        this.attempt = attempt;
        this.job = job.id();
        this.method = job.method();
        this.path = job.path();
        this.httpStatus = httpStatus;
    }

    public String job() {
        return job;
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    /** What error tracking sends with the failure: which job, which call, which status, which attempt. */
    @Override
    public Map<String, Object> errorProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("job", job);
        properties.put("method", method);
        properties.put("path", path);
        if (httpStatus != null) {
            properties.put("http_status", httpStatus);
        }
        properties.put("attempt", attempt);
        return properties;
    }

    /** 1 for a scheduled run, 2+ for the container's redeliveries of the same failed tick. */
    public int attempt() {
        return attempt;
    }

    /** The HTTP status when the job failed on a response; null on a transport error. */
    public Integer httpStatus() {
        return httpStatus;
    }
}
