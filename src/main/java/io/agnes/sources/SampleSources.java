package io.agnes.sources;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * The sample sources shipped in the WAR ({@code /sample/} on the class path): a sources file and
 * three small CSV files. DuckDB reads files from disk, so they are copied to {@code <data dir>/sample/}.
 */
public final class SampleSources {

    static final List<String> FILES = List.of("sources.json", "orders.csv", "customers.csv", "products.csv");

    private SampleSources() {
    }

    /**
     * Copies the sample into {@code directory}, refreshing files that differ from this version's
     * (an upgrade may change the sample), and returns the sample's sources file.
     */
    public static Path install(Path directory) {
        try {
            Files.createDirectories(directory);
            for (String name : FILES) {
                byte[] content;
                try (InputStream in = SampleSources.class.getResourceAsStream("/sample/" + name)) {
                    if (in == null) {
                        throw new IllegalStateException("The sample file /sample/" + name + " is missing from the class path");
                    }
                    content = in.readAllBytes();
                }
                Path target = directory.resolve(name);
                if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), content)) {
                    continue;
                }
                Path temp = directory.resolve(name + ".tmp");
                Files.write(temp, content);
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return directory.resolve("sources.json");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the sample sources to " + directory + ": " + e.getMessage(), e);
        }
    }
}
