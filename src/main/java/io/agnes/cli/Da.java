package io.agnes.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code da}, the Agnes command line. {@link #main} is the one entry point, and {@link #run} decides the exit
 * code for every command:
 * <ul>
 *   <li>0 success; 2 usage error (picocli's own message and usage); 130 interrupted;</li>
 *   <li>1 with {@code Error: <message>} and a hint when the server cannot be used (unreachable, timed out,
 *       HTTP status 400 or more) — reported as {@code transport};</li>
 *   <li>1 with {@code Error: <message>} for problems the user fixes (not logged in, bad URL) — not reported;</li>
 *   <li>1 with one line naming the exception type and {@code last-error.log}, where the stack trace goes, for
 *       anything else — reported as {@code unhandled};</li>
 *   <li>1 when a command's own outcome is a failure (a sync that failed, a degraded server).</li>
 * </ul>
 * Reports go to {@link CliEnvironment#reporter()} with the arguments redacted; Ctrl-C is left to the JVM.
 */
@Command(name = "da", mixinStandardHelpOptions = true, versionProvider = Da.Version.class,
        description = "Agnes, the AI data analyst, from the command line.",
        footer = {"", "Configuration: da login saves server and token; AGNES_SERVER and AGNES_TOKEN override them.",
                "Exit codes: 0 success, 1 error, 2 usage error."},
        subcommands = CommandLine.HelpCommand.class)
public final class Da implements Runnable {

    static final String NO_COMMAND = "<no-command>";

    @Spec
    CommandSpec spec;

    private Da() {
    }

    public static void main(String[] args) {
        System.exit(run(CliEnvironment.system(), args));
    }

    /** Runs one invocation and returns its exit code; never exits the JVM, so tests call it directly. */
    static int run(CliEnvironment environment, String... args) {
        CommandLine commandLine = new CommandLine(new Da())
                .addSubcommand(new LoginCommand(environment))
                .addSubcommand(new StatusCommand(environment))
                .addSubcommand(new SourcesCommand(environment))
                .addSubcommand(new TablesCommand(environment))
                .addSubcommand(new SyncCommand(environment))
                .addSubcommand(new QueryCommand(environment))
                .addSubcommand(new AskCommand(environment))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(environment.out())
                .setErr(environment.err())
                .setExecutionExceptionHandler((error, cl, parseResult) -> onFailure(environment, Arrays.asList(args), error));
        try {
            return commandLine.execute(args);
        } finally {
            environment.out().flush();
            environment.err().flush();
        }
    }

    /** {@code da} alone: there is nothing to do, so say what there is. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: try `da status` or `da --help`.");
    }

    private static int onFailure(CliEnvironment environment, List<String> argv, Exception error) {
        switch (error) {
            case CliError e -> {
                printError(environment, e.getMessage(), e.hint());
                return 1;
            }
            case InterruptedException e -> {
                Thread.currentThread().interrupt();
                return 130;
            }
            case TransportException e -> {
                printError(environment, e.getMessage(), e.hint());
                report(environment, argv, CliFailure.Kind.TRANSPORT, e);
                return 1;
            }
            default -> {
                String what = error.getClass().getSimpleName();
                try {
                    Path log = ErrorLog.append(environment.configDir(), argv, error);
                    environment.err().println("Unexpected error (" + what + "): the details are in " + log
                            + " — please include that file when you report it.");
                } catch (IOException | RuntimeException logFailed) {
                    environment.err().println("Unexpected error (" + what + "); the error log could not be written ("
                            + logFailed.getMessage() + "), so here are the details:");
                    error.printStackTrace(environment.err());
                }
                report(environment, argv, CliFailure.Kind.UNHANDLED, error);
                return 1;
            }
        }
    }

    private static void printError(CliEnvironment environment, String message, String hint) {
        environment.err().println("Error: " + message);
        if (hint != null) {
            environment.err().println(hint);
        }
    }

    /** A reporter that fails must not change what the user sees or the exit code. */
    private static void report(CliEnvironment environment, List<String> argv, CliFailure.Kind kind, Exception error) {
        List<String> redacted = ArgvRedactor.redact(argv);
        String command = redacted.isEmpty() ? NO_COMMAND : redacted.getFirst();
        try {
            environment.reporter().report(new CliFailure(command, ArgvRedactor.forReport(argv), kind, error));
            environment.reporter().flush();
        } catch (RuntimeException | LinkageError ignored) {
            // the original error is what matters; it has been shown already (LinkageError: a jar missing a class)
        }
    }

    /** The version from the jar's manifest; {@code dev} when run from classes. */
    static String version() {
        String version = Da.class.getPackage() == null ? null : Da.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    static AgnesApi api(CliEnvironment environment) {
        return new AgnesApi(new ConfigStore(environment).connection(), environment.requestTimeout());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"da " + version(), "Java " + Runtime.version() + " (" + System.getProperty("java.home") + ")"};
        }
    }
}
