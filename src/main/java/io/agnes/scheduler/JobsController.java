package io.agnes.scheduler;

import io.agnes.auth.AdminOnly;
import io.agnes.auth.AuthSettings;
import io.agnes.web.Settings;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.mvc.Controller;
import jakarta.mvc.Models;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Admin page: the scheduled jobs, their cadence, and their recent runs. */
@Controller
@RequestScoped
@Path("admin/jobs")
@AdminOnly
public class JobsController {

    @Inject
    Models models;

    @Inject
    JobRuns jobRuns;

    @Inject
    Settings settings;

    @Inject
    AuthSettings authSettings;

    /** A row of the jobs table (JavaBean getters for JSP). */
    public record JobView(String id, String method, String path, String every) {
        public String getId() {
            return id;
        }

        public String getMethod() {
            return method;
        }

        public String getPath() {
            return path;
        }

        public String getEvery() {
            return every;
        }
    }

    @GET
    public String page() {
        List<JobView> jobs = new ArrayList<>();
        for (ScheduledJob job : ScheduledJob.values()) {
            Duration every = settings.duration(job.interval());
            jobs.add(new JobView(job.id(), job.method(), job.path(),
                    every.isZero() ? "off" : every.toString().substring(2).toLowerCase()));
        }
        models.put("jobs", jobs);
        models.put("schedulerOn", authSettings.schedulerSecret().isPresent());
        models.put("runs", jobRuns.recent(200));
        return "jobs.jsp";
    }
}
