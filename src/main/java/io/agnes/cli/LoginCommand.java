package io.agnes.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code da login}: proves the token works ({@code GET /api/me}) before saving it, so a typo fails now, not later. */
@Command(name = "login", description = {"Check a personal access token against the server and save both for the other commands.",
        "Create a token in Agnes under Tokens."})
final class LoginCommand implements Callable<Integer> {

    /** Names where the token came from, for the 401 hint. */
    static final String TOKEN_SOURCE = "--token";

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The address you open Agnes at, e.g. https://agnes.example.com")
    String server;

    @Option(names = "--token", required = true, paramLabel = "TOKEN", arity = "0..1", interactive = true, prompt = "Access token: ",
            description = "A personal access token (agnes_pat_...). Give --token without a value to be asked for it, which keeps it out of your shell history.")
    String token;

    private final CliEnvironment environment;

    LoginCommand(CliEnvironment environment) {
        this.environment = environment;
    }

    @Override
    public Integer call() throws Exception {
        String url = ConfigStore.normalizeServer(server, "--server");
        if (token == null || token.isBlank()) {
            throw new CliError("The token is empty.", "Give --token TOKEN, or --token alone to be asked for it.");
        }
        String secret = token.trim();
        if (ConfigStore.isCleartextToRemote(url)) {
            environment.err().println("Warning: " + url + " is plain http, so the token travels unencrypted; use https if the server offers it.");
        }
        Map<String, Object> me;
        try (AgnesApi api = new AgnesApi(new ConfigStore.Connection(url, secret, "--server", TOKEN_SOURCE), environment.requestTimeout())) {
            me = api.get("/api/me").json();
        }
        ConfigStore store = new ConfigStore(environment);
        Path file = store.save(new ConfigStore.Saved(url, secret));
        String email = Json.text(me, "email");
        String name = Json.text(me, "display_name");
        environment.out().println("Logged in to " + url + " as " + (email == null ? "an unnamed user" : email)
                + (name == null || name.isBlank() ? "" : " (" + name + ")") + ".");
        environment.out().println("Saved to " + file + " (readable only by you).");
        for (String variable : new String[] {CliEnvironment.SERVER, CliEnvironment.TOKEN}) {
            if (environment.variable(variable).isPresent()) {
                environment.out().println("Note: " + variable + " is set and overrides the saved value until you unset it.");
            }
        }
        return 0;
    }
}
