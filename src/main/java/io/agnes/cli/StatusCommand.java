package io.agnes.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code da status}: is the server up, who am I to it, and how is the data sync doing. */
@Command(name = "status", description = "Show the server's health, who you are logged in as, and the data sync's state.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    private final CliEnvironment environment;

    StatusCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        try (AgnesApi api = Da.api(environment)) {
            // 503 is how the server says "up but degraded": that is status to show, not a failure to talk
            AgnesApi.Reply healthReply = api.get("/api/health", 503);
            Map<String, Object> health = healthReply.json();
            String state = Json.text(health, "status");
            boolean healthy = healthReply.ok() && "ok".equals(state);
            StringBuilder server = new StringBuilder(api.server()).append(" — ").append(state == null ? "unknown" : state);
            String version = Json.text(health, "version");
            String database = Json.text(health, "database");
            if (version != null || database != null) {
                server.append(" (").append(version == null ? "" : "version " + version)
                        .append(version != null && database != null ? ", " : "")
                        .append(database == null ? "" : "database " + database).append(')');
            }
            line("Server", server.toString());

            Map<String, Object> me = api.get("/api/me").json();
            StringBuilder user = new StringBuilder(String.valueOf(Json.text(me, "email")));
            String name = Json.text(me, "display_name");
            if (name != null && !name.isBlank()) {
                user.append(" (").append(name).append(')');
            }
            if (Json.flag(me, "admin")) {
                user.append(", admin");
            }
            line("User", user.toString());

            // a server without the sync feature (404) or one that shows it to admins only (403) still has a status
            AgnesApi.Reply sync = api.get("/api/sync/status", 403, 404);
            line("Sync", sync.ok() ? SyncStatus.from(sync.json()).describe()
                    : sync.status() == 403 ? "not visible to your account" : "not available on this server");
            return healthy ? 0 : 1;
        }
    }

    private void line(String label, String value) {
        environment.out().printf("%-8s%s%n", label + ":", value);
    }
}
