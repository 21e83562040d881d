package io.agnes.cli;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code da sync [--wait]}: starts a sync of all sources ({@code POST /api/sync/trigger}, 202) and, with
 * {@code --wait}, follows {@code GET /api/sync/status} until the run ends. A sync that is already running
 * (409) is waited for rather than refused.
 */
@Command(name = "sync", description = {"Start a sync of all data sources on the server.",
        "With --wait, show its progress and finish when it does: exit code 0 if it succeeded, 1 if it failed."})
final class SyncCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Option(names = "--wait", description = "Wait for the sync to finish, showing progress.")
    boolean await;

    private final CliEnvironment environment;

    SyncCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        try (AgnesApi api = Da.api(environment)) {
            AgnesApi.Reply trigger = api.post("/api/sync/trigger", Map.of(), 409);
            Map<String, Object> answer = trigger.body() == null || trigger.body().isBlank() ? Map.of() : trigger.json();
            String runId = Json.text(answer, "run_id");
            if (trigger.status() == 409) {
                if (!await) {
                    throw new CliError("A sync is already running" + (runId == null ? "." : " (run " + runId + ")."),
                            "`da sync --wait` waits for it to finish.");
                }
                environment.out().println("A sync is already running" + (runId == null ? "" : " (run " + runId + ")") + "; waiting for it.");
            } else {
                environment.out().println("Sync started" + (runId == null ? "." : " (run " + runId + ")."));
                if (!await) {
                    environment.out().println("`da status` shows how it is doing.");
                    return 0;
                }
            }
            return waitForEnd(api, runId);
        }
    }

    /**
     * Polls until the run ends. With a run id, only that run's end counts (the status may still show the previous
     * run for a moment after the trigger); without one, the first finished state does.
     */
    private int waitForEnd(AgnesApi api, String runId) throws InterruptedException {
        String expected = runId;
        String lastShown = null;
        while (true) {
            SyncStatus status = SyncStatus.from(api.get("/api/sync/status").json());
            if (expected == null && !status.finished() && !status.state().equals("idle")) {
                expected = status.runId();
            }
            boolean ours = expected == null || status.runId() == null || expected.equals(status.runId());
            if (ours && status.finished()) {
                return finish(status);
            }
            String line = ours ? status.describe() : "waiting for the run to start";
            if (!Objects.equals(line, lastShown)) {
                environment.out().println("  " + line);
                lastShown = line;
            }
            Thread.sleep(environment.pollInterval().toMillis());
        }
    }

    private int finish(SyncStatus status) {
        Duration took = status.took();
        String progress = status.progress();
        String details = (progress.isEmpty() ? "" : ": " + progress) + (took == null ? "" : " in " + took.toSeconds() + " s");
        if (status.succeeded()) {
            environment.out().println("Sync succeeded" + details + ".");
            return 0;
        }
        environment.err().println("Sync failed" + details + (status.error() == null ? "." : ": " + status.error()));
        return 1;
    }
}
