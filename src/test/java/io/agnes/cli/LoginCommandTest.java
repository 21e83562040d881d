package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginCommandTest {

    @TempDir
    Path home;

    FakeAgnesServer server;
    DaRunner da;

    @BeforeEach
    void start() throws Exception {
        server = new FakeAgnesServer();
        da = new DaRunner(home);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void loginChecksTheTokenAndSavesItOwnerOnly() throws Exception {
        DaRunner.Outcome outcome = da.run("login", "--server", server.url() + "/", "--token", FakeAgnesServer.TOKEN);

        Path config = da.configDir().resolve("config.json");
        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).isEqualTo("Logged in to " + server.url() + " as ada@example.com (Ada Lovelace).\n"
                + "Saved to " + config + " (readable only by you).\n");
        assertThat(Files.readString(config)).isEqualTo("{\"server\":\"" + server.url() + "\",\"token\":\"" + FakeAgnesServer.TOKEN + "\"}\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(da.configDir()))).isEqualTo("rwx------");
        assertThat(server.requestsTo("GET /api/me")).singleElement()
                .extracting(FakeAgnesServer.Request::authorization).isEqualTo("Bearer " + FakeAgnesServer.TOKEN);
        try (var leftovers = Files.list(da.configDir())) {
            assertThat(leftovers.map(p -> p.getFileName().toString())).containsExactly("config.json");
        }

        assertThat(da.run("tables").exitCode()).isZero();
    }

    @Test
    void aRejectedTokenIsNotSaved() {
        DaRunner.Outcome outcome = da.run("login", "--server", server.url(), "--token=agnes_pat_typo");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).isEqualTo("Error: Invalid or expired access token (HTTP 401)\n"
                + "Token rejected: check it, or create a new one in Agnes at " + server.url() + "/tokens.\n");
        assertThat(da.configDir().resolve("config.json")).doesNotExist();
    }

    @Test
    void aSecondLoginReplacesTheFirst() throws Exception {
        da.run("login", "--server", "http://localhost:" + server.url().replaceAll(".*:", ""), "--token", FakeAgnesServer.TOKEN);
        da.run("login", "--server", server.url(), "--token", FakeAgnesServer.TOKEN);

        assertThat(Files.readString(da.configDir().resolve("config.json"))).contains("\"server\":\"" + server.url() + "\"");
    }

    @Test
    void environmentVariablesWinOverTheSavedLogin() throws Exception {
        try (FakeAgnesServer other = new FakeAgnesServer()) {
            assertThat(da.run("login", "--server", server.url(), "--token", FakeAgnesServer.TOKEN).exitCode()).isZero();
            da.variables.put(CliEnvironment.SERVER, other.url());

            assertThat(da.run("sources").exitCode()).isZero();

            assertThat(other.requestsTo("GET /api/sources")).hasSize(1);
            assertThat(server.requestsTo("GET /api/sources")).isEmpty();

            da.variables.put(CliEnvironment.TOKEN, "agnes_pat_fromTheEnvironment");
            assertThat(da.run("sources").err()).contains("check AGNES_TOKEN");
        }
    }

    @Test
    void loginNotesThatEnvironmentVariablesStillOverrideIt() {
        da.variables.put(CliEnvironment.TOKEN, "agnes_pat_other");

        DaRunner.Outcome outcome = da.run("login", "--server", server.url(), "--token", FakeAgnesServer.TOKEN);

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.out()).endsWith("Note: AGNES_TOKEN is set and overrides the saved value until you unset it.\n");
    }

    @Test
    void theConfigLivesUnderXdgConfigHomeOrTheHomeDirectory() {
        DaRunner plain = new DaRunner(home);
        plain.variables.clear();
        CliEnvironment environment = CliEnvironment.of(plain.variables, home, null, null);
        assertThat(environment.configDir()).isEqualTo(home.resolve(".config/agnes"));

        plain.variables.put("XDG_CONFIG_HOME", home.resolve("xdg").toString());
        assertThat(environment.configDir()).isEqualTo(home.resolve("xdg/agnes"));

        plain.variables.put(CliEnvironment.CONFIG_DIR, home.resolve("elsewhere").toString());
        assertThat(environment.configDir()).isEqualTo(home.resolve("elsewhere"));
    }

    @Test
    void aCorruptConfigFileIsNamedWithTheWayOut() throws Exception {
        Files.createDirectories(da.configDir());
        Files.writeString(da.configDir().resolve("config.json"), "{server:");

        DaRunner.Outcome outcome = da.run("status");

        assertThat(outcome.exitCode()).isEqualTo(1);
        assertThat(outcome.err()).startsWith("Error: " + da.configDir().resolve("config.json") + " is not valid JSON")
                .endsWith("Run `da login` again to rewrite it.\n");
    }

    @Test
    void plainHttpToAnotherMachineIsWarnedAbout() {
        assertThat(ConfigStore.isCleartextToRemote("http://agnes.example.com")).isTrue();
        assertThat(ConfigStore.isCleartextToRemote("https://agnes.example.com")).isFalse();
        assertThat(ConfigStore.isCleartextToRemote("http://127.0.0.1:8080")).isFalse();
        assertThat(ConfigStore.isCleartextToRemote("http://localhost:8080")).isFalse();
    }
}
