package io.agnes.scheduler;

import io.agnes.observability.ErrorTracked;

import io.agnes.auth.AuthSettings;
import io.agnes.web.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Runs each enabled job on its cadence with EJB timers. A failed run is recorded and its
 * {@link JobFailedException} leaves {@link #onTimeout}, so timeout interceptors see every failure.
 *
 * <p>Why single-action timers re-armed by hand rather than interval timers: Payara expunges a timer whose
 * timeout failed more than {@code max-redeliveries} times, which would silently end a job after its first
 * bad run. Each tick therefore schedules the next tick BEFORE running the job; a container redelivery of a
 * failed tick (same {@link JobTick}) runs the job again, counted as attempt 2, 3, … but schedules nothing.
 */
@Singleton
@Startup
@ConcurrencyManagement(ConcurrencyManagementType.BEAN) // jobs of different kinds may run at the same time
@ErrorTracked(component = "scheduler")
public class Scheduler {

    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());

    @Resource
    TimerService timerService;

    @Inject
    Settings settings;

    @Inject
    AuthSettings authSettings;

    @Inject
    JobRunner jobRunner;

    @Inject
    JobPreconditions preconditions;

    /** How many past ticks per job keep their delivery count (redeliveries come within seconds). */
    static final int REMEMBERED_TICKS = 100;

    /** Per job: the tick that schedules the next one, and how often each tick was delivered. */
    private final Map<ScheduledJob, Long> currentTick = new ConcurrentHashMap<>();
    private final Map<JobTick, Integer> deliveries = new ConcurrentHashMap<>();

    @PostConstruct
    void scheduleJobs() {
        if (authSettings.schedulerSecret().isEmpty()) {
            LOG.info("Scheduled jobs are off: set AGNES_SCHEDULER_SECRET (at least 32 characters) to run them");
            return;
        }
        List<String> started = new ArrayList<>();
        for (ScheduledJob job : ScheduledJob.values()) {
            Duration every = settings.duration(job.interval());
            if (every.isZero()) {
                continue;
            }
            currentTick.put(job, 0L);
            arm(new JobTick(job.id(), 0), every);
            started.add(job.id() + " every " + every.toString().substring(2).toLowerCase());
        }
        LOG.info(() -> "Scheduled jobs: " + (started.isEmpty() ? "none" : String.join(", ", started)));
    }

    @Timeout
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED) // runs are recorded in their own transactions
    public void onTimeout(Timer timer) {
        JobTick tick = (JobTick) timer.getInfo();
        ScheduledJob job = ScheduledJob.byId(tick.job());
        int attempt = deliveries.merge(tick, 1, Integer::sum);
        if (currentTick.replace(job, tick.sequence(), tick.sequence() + 1)) {
            // first delivery of the newest tick: the schedule goes on whatever this run does
            arm(new JobTick(job.id(), tick.sequence() + 1), settings.duration(job.interval()));
            // forget old ticks, but not the last few: the container redelivers a failed tick seconds later
            deliveries.keySet().removeIf(old -> old.job().equals(job.id()) && old.sequence() < tick.sequence() - REMEMBERED_TICKS);
        }
        String reason = preconditions.skipReason(job);
        if (reason != null) {
            jobRunner.skip(job, reason);
            return;
        }
        jobRunner.run(job, attempt);
    }

    private void arm(JobTick tick, Duration delay) {
        // non-persistent: on Payara Micro without a cluster, persistent timers live in memory anyway
        timerService.createSingleActionTimer(delay.toMillis(), new TimerConfig(tick, false));
    }

    /** A timer's info: which job, and which tick of it. */
    public record JobTick(String job, long sequence) implements Serializable {
    }
}
