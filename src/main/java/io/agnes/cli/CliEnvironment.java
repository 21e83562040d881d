package io.agnes.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything the CLI takes from the process around it — environment variables, home directory, the two
 * output streams, the failure reporter and the sync poll interval — so that tests run {@link Da#run} in-process
 * against a temporary config directory with captured output.
 *
 * <h2>Configuration</h2>
 * <ul>
 *   <li>{@code POSTHOG_API_KEY} (and the other {@code POSTHOG_*} variables of the server): report failures to
 *       PostHog, see {@link PostHogFailureReporter}; unset = no reporting.</li>
 *   <li>{@code AGNES_SERVER}, {@code AGNES_TOKEN}: override the server and token saved by {@code da login}.</li>
 *   <li>{@code AGNES_CLI_CONFIG_DIR}: the configuration directory; default {@code $XDG_CONFIG_HOME/agnes},
 *       else {@code ~/.config/agnes}.</li>
 *   <li>{@code AGNES_CLI_TIMEOUT_SECONDS}: seconds to wait for one answer from the server; default 60.</li>
 * </ul>
 */
record CliEnvironment(Function<String, String> variables, Path home, PrintWriter out, PrintWriter err,
                      CliFailureReporter reporter, Duration pollInterval) {

    static final String SERVER = "AGNES_SERVER";
    static final String TOKEN = "AGNES_TOKEN";
    static final String CONFIG_DIR = "AGNES_CLI_CONFIG_DIR";
    static final String TIMEOUT_SECONDS = "AGNES_CLI_TIMEOUT_SECONDS";

    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(2);

    static CliEnvironment system() {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, System.err.charset()), true);
        return new CliEnvironment(System::getenv, Path.of(System.getProperty("user.home")),
                new PrintWriter(new OutputStreamWriter(System.out, System.out.charset()), true), err,
                CliFailureReporter.forEnvironment(System::getenv, err), DEFAULT_POLL_INTERVAL);
    }

    /**
     * For tests: the given variables only, nothing inherited from the test JVM's environment; the reporter is
     * chosen from them as in {@link #system()}.
     */
    static CliEnvironment of(Map<String, String> variables, Path home, PrintWriter out, PrintWriter err) {
        return new CliEnvironment(variables::get, home, out, err, CliFailureReporter.forEnvironment(variables::get, err),
                Duration.ofMillis(10));
    }

    CliEnvironment withReporter(CliFailureReporter newReporter) {
        return new CliEnvironment(variables, home, out, err, newReporter, pollInterval);
    }

    /** A variable's trimmed value; set-but-blank counts as unset. */
    Optional<String> variable(String name) {
        return Optional.ofNullable(variables.apply(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    Path configDir() {
        return variable(CONFIG_DIR).map(Path::of)
                .or(() -> variable("XDG_CONFIG_HOME").map(xdg -> Path.of(xdg, "agnes")))
                .orElseGet(() -> home.resolve(".config").resolve("agnes"));
    }

    Duration requestTimeout() {
        Optional<String> raw = variable(TIMEOUT_SECONDS);
        if (raw.isEmpty()) {
            return AgnesApi.DEFAULT_REQUEST_TIMEOUT;
        }
        try {
            long seconds = Long.parseLong(raw.get());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException ignored) {
            // falls through to the warning
        }
        err.println("Warning: " + TIMEOUT_SECONDS + "=\"" + raw.get() + "\" is not a positive whole number of seconds; using "
                + AgnesApi.DEFAULT_REQUEST_TIMEOUT.toSeconds() + ".");
        return AgnesApi.DEFAULT_REQUEST_TIMEOUT;
    }
}
