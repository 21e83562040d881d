package io.agnes.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The server and token {@code da login} saved, in {@code config.json} inside the config directory (0600 in a
 * 0700 directory), and the connection every other command uses: {@code AGNES_SERVER} / {@code AGNES_TOKEN}
 * win over the file, each on its own.
 */
final class ConfigStore {

    static final String FILE_NAME = "config.json";

    record Saved(String server, String token) {
    }

    /** Where a command connects to; the sources say where each half came from, for messages. */
    record Connection(String server, String token, String serverSource, String tokenSource) {
    }

    private final CliEnvironment environment;

    ConfigStore(CliEnvironment environment) {
        this.environment = environment;
    }

    Path file() {
        return environment.configDir().resolve(FILE_NAME);
    }

    Optional<Saved> load() {
        Path file = file();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CliError("Cannot read " + file + ": " + e.getMessage(), "Check the file's permissions, or run `da login` again.");
        }
        Map<String, Object> json;
        try {
            json = Json.parseObject(text);
        } catch (Json.MalformedJsonException e) {
            throw new CliError(file + " is not valid JSON (" + e.getMessage() + ")", "Run `da login` again to rewrite it.");
        }
        return Optional.of(new Saved(Json.text(json, "server"), Json.text(json, "token")));
    }

    Path save(Saved saved) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("server", saved.server());
        json.put("token", saved.token());
        Path file = file();
        PrivateFiles.writeAtomically(file, Json.write(json) + "\n");
        return file;
    }

    Connection connection() {
        Optional<String> envServer = environment.variable(CliEnvironment.SERVER);
        Optional<String> envToken = environment.variable(CliEnvironment.TOKEN);
        Optional<Saved> saved = envServer.isPresent() && envToken.isPresent() ? Optional.empty() : load();
        String server = envServer.orElseGet(() -> saved.map(Saved::server).orElse(null));
        String token = envToken.orElseGet(() -> saved.map(Saved::token).orElse(null));
        if (server == null || token == null || token.isBlank()) {
            throw new CliError("Not logged in: no " + (server == null ? "server" : "token") + " configured.",
                    "Run `da login --server URL --token TOKEN`, or set AGNES_SERVER and AGNES_TOKEN.");
        }
        String serverSource = envServer.isPresent() ? CliEnvironment.SERVER : file().toString();
        String tokenSource = envToken.isPresent() ? CliEnvironment.TOKEN : file().toString();
        return new Connection(normalizeServer(server, serverSource), token.trim(), serverSource, tokenSource);
    }

    /** {@code https://host:port/prefix} without trailing slashes; anything that is not http(s) is refused. */
    static String normalizeServer(String raw, String source) {
        String trimmed = raw.trim();
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(trimmed);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getHost() == null || uri.getScheme() == null
                || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
                || uri.getQuery() != null || uri.getFragment() != null) {
            throw new CliError("The server address \"" + raw + "\" (from " + source + ") is not an http(s) URL.",
                    "Give the address you open Agnes at in the browser, e.g. https://agnes.example.com");
        }
        return trimmed;
    }

    /** Plain HTTP sends the token readable to anyone on the path; fine for this machine, not for a network. */
    static boolean isCleartextToRemote(String server) {
        URI uri = URI.create(server);
        if (!"http".equalsIgnoreCase(uri.getScheme())) {
            return false;
        }
        String host = uri.getHost();
        return !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"));
    }
}
