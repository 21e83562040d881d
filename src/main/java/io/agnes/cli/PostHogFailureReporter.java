package io.agnes.cli;

import io.agnes.observability.CommonProperties;
import io.agnes.observability.EventIdentity;
import io.agnes.observability.ExceptionProperties;
import io.agnes.observability.PostHogClient;
import io.agnes.observability.PostHogSettings;
import io.agnes.web.BuildInfo;
import io.agnes.web.Settings;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Sends a failed {@code da} run to PostHog as one {@code $exception} (capture point 5 of the PostHog integration),
 * through the server's own delivery pipeline ({@link PostHogClient}). {@link CliFailureReporter#forEnvironment}
 * creates it only when {@code POSTHOG_API_KEY} is set; nothing of PostHog is started before a failure happens,
 * so a run that succeeds costs nothing.
 *
 * <h2>Configuration</h2>
 * The server's environment variables, read from the CLI's own environment: {@code POSTHOG_API_KEY} (a project
 * key, {@code phc_…}; a personal key is refused as on the server), {@code POSTHOG_HOST}, and for the
 * {@code environment}/{@code release} labels {@code POSTHOG_ENVIRONMENT}, {@code LOCAL_DEV_MODE},
 * {@code RELEASE_CHANNEL}, {@code AGNES_DEPLOYMENT_ENV}, {@code AGNES_VERSION}. The delivery timing is the
 * CLI's own ({@link #CLI_DELIVERY}): a command-line tool must exit promptly, so {@code POSTHOG_FLUSH_INTERVAL},
 * {@code POSTHOG_REQUEST_TIMEOUT} and {@code POSTHOG_SHUTDOWN_TIMEOUT} are ignored.
 *
 * <h2>Never in the way</h2>
 * <ul>
 *   <li>The event is sent at once and waited for at most {@link #FLUSH_TIMEOUT}; then the client is stopped on a
 *       daemon thread that is waited for at most {@link #STOP_WAIT}. Stopping can outlast that only when a
 *       thread is stuck where no interrupt reaches it (a slow DNS lookup of a bad host name); the process then
 *       exits without it — every PostHog thread is a daemon.</li>
 *   <li>Nothing it does reaches the terminal except a warning about unusable PostHog settings (an invalid host,
 *       a personal key): the pipeline's own log lines (start, retries, totals) are swallowed while it runs.</li>
 *   <li>It never throws, whatever fails, so the exit code and the message stay what they were.</li>
 * </ul>
 */
final class PostHogFailureReporter implements CliFailureReporter {

    static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(2);
    static final Duration STOP_WAIT = Duration.ofMillis(500);
    static final String STOP_THREAD = "da-posthog-stop";

    /**
     * Overrides of the server's delivery settings: send each event at once, give one request at most the flush
     * budget, and leave stop() a moment only for tidying up — by then the budget is spent.
     */
    static final Map<String, String> CLI_DELIVERY = Map.of(
            "POSTHOG_FLUSH_INTERVAL", "0",
            "POSTHOG_REQUEST_TIMEOUT", FLUSH_TIMEOUT.toMillis() + "ms",
            "POSTHOG_SHUTDOWN_TIMEOUT", "250ms");

    private final Function<String, String> variables;
    private final PrintWriter err;
    private final List<CliFailure> failures = new ArrayList<>();

    PostHogFailureReporter(Function<String, String> variables, PrintWriter err) {
        this.variables = variables;
        this.err = err;
    }

    /** Only remembers the failure: the sending happens in {@link #flush()}, which {@link Da} calls right after. */
    @Override
    public void report(CliFailure failure) {
        failures.add(failure);
    }

    @Override
    public void flush() {
        if (failures.isEmpty()) {
            return;
        }
        List<CliFailure> toSend = List.copyOf(failures);
        failures.clear();
        QuietLogs quiet = null;
        PostHogClient client = null;
        try {
            quiet = QuietLogs.install(err);
            PostHogSettings settings = PostHogSettings.from(new Settings(this::setting));
            client = PostHogClient.start(settings);
            if (client.isEnabled()) {
                CommonProperties common = new CommonProperties(settings.environment(), settings.release().orElse(null),
                        BuildInfo.version());
                for (CliFailure failure : toSend) {
                    client.capture("$exception", EventIdentity.CLI, common.apply(properties(failure), EventIdentity.cli()));
                }
                client.flush(FLUSH_TIMEOUT);
            }
        } catch (RuntimeException | LinkageError e) {
            // reporting is a favour to the developers; the user's error has been shown and stays the outcome
        } finally {
            stopWithin(client, quiet);
        }
    }

    private Optional<String> setting(String name) {
        String override = CLI_DELIVERY.get(name);
        return override != null ? Optional.of(override) : Optional.ofNullable(variables.apply(name));
    }

    /** The event's own properties; {@link CommonProperties} adds environment, release, $lib and the privacy flags. */
    static Map<String, Object> properties(CliFailure failure) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("component", "cli");
        properties.put("command", failure.command());
        properties.put("argv", failure.argv());
        properties.put("error_kind", failure.kind().wireName());
        Map<String, Object> exception = ExceptionProperties.of(failure.error(), false);
        redactMessages(exception);
        properties.putAll(exception);
        return properties;
    }

    /**
     * Exception messages pass through {@link ArgvRedactor#redactText}: the CLI's messages name the server address
     * and repeat the server's {@code detail}, which may echo an argument — a token typed into SQL, say.
     */
    private static void redactMessages(Map<String, Object> exception) {
        if (exception.get("$exception_list") instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> map && map.get("value") instanceof String value) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> writable = (Map<String, Object>) map;
                    writable.put("value", ArgvRedactor.redactText(value));
                }
            }
        }
    }

    /**
     * Stops the client on a daemon thread and waits for it at most {@link #STOP_WAIT}. The logs stay quiet until
     * the stop is over, so its final summary never reaches the terminal either.
     */
    private static void stopWithin(PostHogClient client, QuietLogs quiet) {
        try {
            Thread stopper = new Thread(() -> {
                try {
                    if (client != null) {
                        client.stop();
                    }
                } finally {
                    if (quiet != null) {
                        quiet.restore();
                    }
                }
            }, STOP_THREAD);
            stopper.setDaemon(true);
            stopper.start();
            stopper.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            // as above: nothing about reporting may reach the user
        }
    }

    /**
     * While PostHog runs inside the CLI, the {@code io.agnes} loggers print nothing to the terminal but the warnings
     * about unusable settings ({@code Settings}, {@code PostHogSettings}), as one {@code Warning: …} line each.
     * The JDK's console handler would otherwise print the pipeline's start line, retries and totals after the
     * user's error message.
     */
    static final class QuietLogs extends Handler {

        private static final String ROOT = "io.agnes";
        private static final List<String> SETTINGS_LOGGERS = List.of(Settings.class.getName(), PostHogSettings.class.getName());

        /** Held here: the log manager keeps loggers only weakly, and a collected logger forgets its handler. */
        private final Logger logger;
        private final PrintWriter err;
        private final boolean parentHandlers;

        private QuietLogs(Logger logger, PrintWriter err) {
            this.logger = logger;
            this.err = err;
            this.parentHandlers = logger.getUseParentHandlers();
        }

        static QuietLogs install(PrintWriter err) {
            QuietLogs quiet = new QuietLogs(Logger.getLogger(ROOT), err);
            quiet.logger.addHandler(quiet);
            quiet.logger.setUseParentHandlers(false);
            return quiet;
        }

        @Override
        public void publish(LogRecord record) {
            if (err != null && record.getLevel().intValue() >= Level.WARNING.intValue()
                    && SETTINGS_LOGGERS.contains(record.getLoggerName())) {
                err.println("Warning: " + record.getMessage());
                err.flush();
            }
        }

        void restore() {
            logger.removeHandler(this);
            logger.setUseParentHandlers(parentHandlers);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
