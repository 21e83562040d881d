package io.agnes.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Runs {@code da} in-process with a private environment and captured output; never exits the JVM. */
final class DaRunner {

    record Outcome(int exitCode, String out, String err) {
    }

    final Map<String, String> variables = new HashMap<>();
    final Path home;
    /** {@code null}: the one the environment's variables choose, as in the real CLI. */
    CliFailureReporter reporter;

    DaRunner(Path home) {
        this.home = home;
        variables.put(CliEnvironment.CONFIG_DIR, configDir().toString());
    }

    /** Logged in through the environment variables, the way CI scripts do it. */
    static DaRunner against(FakeAgnesServer server, Path home) {
        DaRunner runner = new DaRunner(home);
        runner.variables.put(CliEnvironment.SERVER, server.url());
        runner.variables.put(CliEnvironment.TOKEN, FakeAgnesServer.TOKEN);
        return runner;
    }

    Path configDir() {
        return home.resolve("config").resolve("agnes");
    }

    Outcome run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment environment = CliEnvironment.of(variables, home, new PrintWriter(out, true), new PrintWriter(err, true));
        if (reporter != null) {
            environment = environment.withReporter(reporter);
        }
        int code = Da.run(environment, args);
        return new Outcome(code, out.toString(), err.toString());
    }
}
