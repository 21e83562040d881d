package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * da.jar holds io/agnes/cli/** and picocli only, so a CLI class that used a server class or a WAR dependency
 * would compile, pass in-process tests, and then fail for users with NoClassDefFoundError. This reads the
 * compiled classes' constant pools for such references.
 */
class SelfContainedTest {

    private static final Pattern REFERENCE = Pattern.compile("L?((?:io/agnes|jakarta|org/eclipse|org/h2|org/postgresql|com/posthog)/[A-Za-z0-9_/$]+)");

    @Test
    void cliClassesReferenceOnlyTheJdkPicocliAndEachOther() throws IOException {
        Path classes = Path.of("target/classes/io/agnes/cli");
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                // class names sit in the constant pool as modified UTF-8, which is plain ASCII for them
                Matcher matcher = REFERENCE.matcher(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                while (matcher.find()) {
                    if (!matcher.group(1).startsWith("io/agnes/cli/")) {
                        foreign.add(file.getFileName() + " -> " + matcher.group(1));
                    }
                }
            }
        }
        assertThat(foreign).isEmpty();
    }
}
