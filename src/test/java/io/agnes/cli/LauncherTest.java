package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.agnes.testing.FakePostHog;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/da} as a user runs it: as a process, with a controlled environment. */
class LauncherTest {

    static final Path LAUNCHER = Path.of("bin/da").toAbsolutePath();
    static final Path JAR = Path.of("target/da.jar").toAbsolutePath();

    @TempDir
    Path temp;

    record Result(int exitCode, String out, String err) {
    }

    Result launch(Map<String, String> environment, String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder();
        builder.command().add(LAUNCHER.toString());
        builder.command().addAll(List.of(args));
        builder.environment().clear();
        builder.environment().put("HOME", temp.toString());
        builder.environment().put("PATH", "/usr/bin:/bin");
        builder.environment().put("AGNES_CLI_CONFIG_DIR", temp.resolve("config").toString());
        builder.environment().putAll(environment);
        builder.redirectOutput(temp.resolve("out.txt").toFile()).redirectError(temp.resolve("err.txt").toFile());
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(process.exitValue(), Files.readString(temp.resolve("out.txt")), Files.readString(temp.resolve("err.txt")));
    }

    /** A directory that looks like a JDK of the given version to the launcher. */
    Path fakeJdk(String name, String version) throws IOException {
        Path home = temp.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2024-01-16' >&2\necho fake java ran >&2\nexit 3\n",
                StandardCharsets.UTF_8);
        java.toFile().setExecutable(true);
        return home;
    }

    @Test
    void anOldJavaIsNeverUsedAndTheUserIsToldInOneSentence() throws Exception {
        Path old = fakeJdk("jdk-17", "17.0.9");
        Path emptyJvmDir = Files.createDirectories(temp.resolve("jvm"));
        Path bin = Files.createDirectories(temp.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("java"), old.resolve("bin/java"));

        Result result = launch(Map.of("JAVA_HOME", old.toString(), "AGNES_JVM_DIR", emptyJvmDir.toString(),
                "PATH", bin + ":/usr/bin:/bin"), "--help");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("da needs Java 21 or newer and found none (looked at: JAVA_HOME=" + old + " (Java 17), "
                + emptyJvmDir + "/*, java on the PATH (Java 17)); install a JDK 21+ or set JAVA_HOME to one.\n");
    }

    @Test
    void theNewestJdkUnderTheJvmDirectoryIsPickedWhenJavaHomeIsTooOld() throws Exception {
        Path jvm = Files.createDirectories(temp.resolve("jvm"));
        fakeJdk("jvm/jdk-21", "21.0.2");
        fakeJdk("jvm/jdk-23", "23");
        fakeJdk("jvm/jdk-11", "11.0.1");
        Path old = fakeJdk("jdk-17", "17.0.9");
        assumeThat(JAR).exists();

        Result result = launch(Map.of("JAVA_HOME", old.toString(), "AGNES_JVM_DIR", jvm.toString()), "--help");

        // the fake java 23 "runs" and exits 3: it was the one chosen
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.err()).contains("fake java ran");
    }

    @Test
    void theBuiltJarRunsThroughTheLauncher() throws Exception {
        assumeThat(JAR).exists();
        Path jvm = Files.createDirectories(temp.resolve("jvm"));
        Files.createSymbolicLink(jvm.resolve("current"), Path.of(System.getProperty("java.home")));
        Path old = fakeJdk("jdk-17", "17.0.9");

        // JAVA_HOME too old: the launcher passes it over for the test's own JDK (21+, the build enforces it)
        Result result;
        try {
            result = launch(Map.of("JAVA_HOME", old.toString(), "AGNES_JVM_DIR", jvm.toString()), "--version");
        } finally {
            Files.delete(jvm.resolve("current"));
        }
        Result help = launch(Map.of("JAVA_HOME", System.getProperty("java.home")), "--help");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).startsWith("da ").contains("Java 2");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: da").contains("login", "status", "sources", "tables", "sync", "query", "ask");
    }

    /**
     * The real jar, not the test classpath: it must carry every class error reporting needs, and the process must
     * end promptly even when PostHog takes the event and never answers.
     */
    @Test
    void aFailureReportedToAPostHogThatNeverAnswersStillEndsTheProcessPromptly() throws Exception {
        assumeThat(JAR).exists();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assumeThat(jar.getEntry("io/agnes/cli/PostHogFailureReporter.class"))
                    .as("target/da.jar was built before error reporting existed; run mvn package").isNotNull();
        }
        String server = "http://127.0.0.1:" + FakePostHog.unusedPort();
        try (FakePostHog posthog = FakePostHog.start()) {
            posthog.otherwise(FakePostHog.Reply.HANG);

            long started = System.nanoTime();
            Result result = launch(Map.of("JAVA_HOME", System.getProperty("java.home"), "AGNES_SERVER", server,
                    "AGNES_TOKEN", FakeAgnesServer.TOKEN, "POSTHOG_API_KEY", "phc_launcherTestKey", "POSTHOG_HOST", posthog.url()),
                    "status");
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(result.exitCode()).isEqualTo(1);
            // nothing of PostHog on the terminal: no start line, no retry warning, no stack trace
            assertThat(result.err()).isEqualTo("Error: Cannot connect to " + server + " (connection refused)\n"
                    + "Is the server running at " + server + "? Check `da login` (or AGNES_SERVER).\n");
            assertThat(took).as("JVM start + at most ~2.5 s for PostHog").isLessThan(Duration.ofSeconds(6));
            assertThat(posthog.requests()).first().satisfies(request -> {
                JsonObject properties = request.events().getFirst().getJsonObject("properties");
                assertThat(properties.getString("component")).isEqualTo("cli");
                assertThat(properties.getString("command")).isEqualTo("status");
                assertThat(properties.getString("error_kind")).isEqualTo("transport");
            });
        }
    }

    @Test
    void aMissingJarSaysHowToBuildIt() throws Exception {
        Path copy = Files.createDirectories(temp.resolve("checkout/bin"));
        Files.copy(LAUNCHER, copy.resolve("da"));
        Path jdk = fakeJdk("jdk-25", "25");

        ProcessBuilder builder = new ProcessBuilder(copy.resolve("da").toString(), "status");
        builder.environment().put("JAVA_HOME", jdk.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor()).isEqualTo(1);
        assertThat(output).isEqualTo("da: " + temp.resolve("checkout").toRealPath() + "/target/da.jar is missing; build it with `mvn package` in "
                + temp.resolve("checkout").toRealPath() + ".\n");
    }
}
