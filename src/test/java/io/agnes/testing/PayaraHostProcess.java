package io.agnes.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * One Payara Micro JVM ({@link PayaraHost}) that the test deploys to and undeploys from as often as it likes,
 * and whose threads and classes it can count. The JVM runs the same java as the test, with the module options
 * payara-micro.jar's manifest asks for (they apply only to {@code java -jar}), and is killed by {@link #close()}.
 */
public final class PayaraHostProcess implements AutoCloseable {

    /** What {@code stats} reported after collecting garbage. */
    public record Stats(int threads, long loadedClasses, long unloadedClasses, long heapBytes, long webappClassLoaders,
            List<String> threadNames, List<String> releasedThreads) {
    }

    private final Process process;
    private final BufferedReader replies;
    private final Writer commands;
    private final Path log;

    private PayaraHostProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Boots Payara Micro (empty) on {@code port}; its log goes to {@code log}.
     *
     * @param microJar target/payara-micro.jar
     * @param workDir  its temporary files (java.io.tmpdir), e.g. target; also holds the server libraries ({@code server-lib})
     */
    public static PayaraHostProcess boot(Path microJar, int port, Path workDir, Path log) throws IOException {
        Path hostClasses = hostClassesIn(workDir.resolve("payara-host-classes"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(moduleOptions(microJar));
        command.add("-Djava.io.tmpdir=" + workDir.toAbsolutePath());
        // soft references (JDK and library caches keyed by class) are cleared at every GC, so what survives a
        // collection after an undeploy is held strongly: a leak, not a cache waiting for memory pressure
        command.add("-XX:SoftRefLRUPolicyMSPerMB=0");
        command.add("-cp");
        command.add(microJar.toAbsolutePath() + java.io.File.pathSeparator + hostClasses);
        command.add(PayaraHost.class.getName());
        command.add(log.toAbsolutePath().toString());
        command.add(Integer.toString(port));
        // the server libraries, as ./agnes run and the Arquillian servers have them (target/server-lib)
        command.add(workDir.resolve("server-lib").toAbsolutePath().toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        PayaraHostProcess host = new PayaraHostProcess(process, log);
        host.expect("ready", Duration.ofMinutes(3));
        return host;
    }

    /** Deploys the exploded WAR at "/" and returns how long it took. */
    public Duration deploy(Path explodedWar) {
        String reply = call("deploy " + explodedWar.toAbsolutePath(), Duration.ofMinutes(5));
        if (!reply.startsWith("deployed ")) {
            throw new IllegalStateException("deployment failed (" + reply + "); see " + log);
        }
        return Duration.ofMillis(Long.parseLong(reply.substring("deployed ".length())));
    }

    /** Undeploys it and returns how long that took (what an operator waits for). */
    public Duration undeploy() {
        String reply = call("undeploy", Duration.ofMinutes(2));
        if (!reply.startsWith("undeployed ")) {
            throw new IllegalStateException("undeploy failed (" + reply + "); see " + log);
        }
        return Duration.ofMillis(Long.parseLong(reply.substring("undeployed ".length())));
    }

    /**
     * Releases the undeployed versions server threads carry as context class loader
     * ({@link PayaraHost#releaseUndeployedContextLoaders()}), collects garbage in the server JVM, then counts.
     */
    public Stats stats() {
        String head = call("stats", Duration.ofMinutes(1));
        if (!head.startsWith("stats ")) {
            throw new IllegalStateException("stats failed (" + head + ")");
        }
        java.util.Map<String, Long> values = new java.util.HashMap<>();
        for (String pair : head.substring("stats ".length()).split(" ")) {
            String[] kv = pair.split("=", 2);
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        List<String> names = new ArrayList<>();
        List<String> released = new ArrayList<>();
        for (String line = next(Duration.ofSeconds(10)); !line.equals("end"); line = next(Duration.ofSeconds(10))) {
            if (line.startsWith("released ")) {
                released.add(line.substring("released ".length()));
            } else {
                names.add(line.substring("thread ".length()));
            }
        }
        return new Stats(values.get("threads").intValue(), values.get("loaded"), values.get("unloaded"), values.get("heap"),
                values.get("webloaders"), List.copyOf(names), List.copyOf(released));
    }

    public Path log() {
        return log;
    }

    /** The server's log so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String call(String command, Duration timeout) {
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("the Payara host is gone; see " + log, e);
        }
        return next(timeout);
    }

    private void expect(String reply, Duration timeout) {
        String line = next(timeout);
        if (!line.equals(reply)) {
            throw new IllegalStateException("Payara host answered '" + line + "' instead of '" + reply + "'; see " + log);
        }
    }

    /** The next reply line (without its prefix), skipping anything else on stdout. */
    private String next(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                // readLine blocks; the host always answers each command, and a dead host closes the stream
                if (System.nanoTime() > deadline && !replies.ready()) {
                    throw new IllegalStateException("no answer from the Payara host within " + timeout + "; see " + log);
                }
                String line = replies.readLine();
                if (line == null) {
                    throw new IllegalStateException("the Payara host ended; see " + log);
                }
                if (line.startsWith(PayaraHost.REPLY)) {
                    return line.substring(PayaraHost.REPLY.length());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the server's heap (live objects) to {@code file}, e.g. to trace what keeps a class loader alive. */
    public void heapDump(Path file) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), "GC.heap_dump", file.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!jcmd.waitFor(2, TimeUnit.MINUTES) || jcmd.exitValue() != 0) {
            throw new IOException("jcmd GC.heap_dump failed for " + file);
        }
    }

    @Override
    public void close() {
        try {
            commands.write("quit\n");
            commands.flush();
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The host's class files alone in a directory: test-classes on the server's class path would shadow nothing, but say nothing either. */
    private static Path hostClassesIn(Path dir) throws IOException {
        try {
            Path source = Path.of(PayaraHost.class.getResource(PayaraHost.class.getSimpleName() + ".class").toURI()).getParent();
            Path target = dir.resolve(PayaraHost.class.getPackageName().replace('.', '/'));
            Files.createDirectories(target);
            try (var files = Files.list(source)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("PayaraHost.")
                        || f.getFileName().toString().startsWith("PayaraHost$")).toList()) {
                    Files.copy(file, target.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir.toAbsolutePath();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code --add-opens}/{@code --add-exports} from the jar's manifest: java honours them only for {@code -jar}. */
    private static List<String> moduleOptions(Path microJar) throws IOException {
        List<String> options = new ArrayList<>();
        try (JarFile jar = new JarFile(microJar.toFile())) {
            Manifest manifest = jar.getManifest();
            for (String[] attribute : new String[][] {{"Add-Opens", "--add-opens"}, {"Add-Exports", "--add-exports"}}) {
                String value = manifest.getMainAttributes().getValue(attribute[0]);
                if (value != null) {
                    for (String target : value.trim().split("\\s+")) {
                        options.add(attribute[1] + "=" + target + "=ALL-UNNAMED");
                    }
                }
            }
        }
        return options;
    }
}
