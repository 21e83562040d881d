package io.agnes.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * target/da.jar holds io/agnes/cli/**, picocli and the few server classes its assembly descriptor names for error
 * reporting. A class in it that used anything else would compile and pass the in-process tests (which run on the
 * whole classpath), then fail for users with NoClassDefFoundError. These tests read the classes' constant pools
 * (every class they name, in instructions and in signatures) and check each name is in the jar or in the JDK.
 */
class SelfContainedTest {

    static final Path DESCRIPTOR = Path.of("src/assembly/da-cli.xml");
    static final Path CLASSES = Path.of("target/classes");

    /** Beans and interceptors of io.agnes.observability: they need CDI and must stay out of the CLI. */
    static final List<String> SERVER_ONLY = List.of("io/agnes/observability/PostHog", "io/agnes/observability/RequestEvents",
            "io/agnes/observability/UnhandledErrorReporter", "io/agnes/observability/ErrorTrackingInterceptor",
            "io/agnes/observability/LlmTracingInterceptor", "io/agnes/web/SettingsProducer");

    @Test
    void theClassesTheDescriptorPacksReferenceOnlyEachOtherPicocliAndTheJdk() throws Exception {
        Map<String, byte[]> packed = classesSelectedByTheDescriptor();

        assertThat(packed).containsKeys("io/agnes/cli/Da", "io/agnes/cli/PostHogFailureReporter",
                "io/agnes/observability/PostHogClient", "io/agnes/observability/ExceptionProperties", "io/agnes/web/Settings");
        assertThat(packed.keySet()).doesNotContainAnyElementsOf(SERVER_ONLY);
        assertThat(foreignReferences(packed)).isEmpty();
    }

    @Test
    void theBuiltJarReferencesNothingOutsideItselfButTheJdk() throws IOException {
        assumeThat(LauncherTest.JAR).as("target/da.jar is built by `mvn package`; checked when it exists").exists();
        Map<String, byte[]> packed = new TreeMap<>();
        try (JarFile jar = new JarFile(LauncherTest.JAR.toFile())) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().endsWith(".class") && !entry.getName().startsWith("META-INF/")) {
                    packed.put(entry.getName().substring(0, entry.getName().length() - ".class".length()),
                            jar.getInputStream(entry).readAllBytes());
                }
            }
        }

        assertThat(packed.keySet()).doesNotContainAnyElementsOf(SERVER_ONLY);
        assertThat(foreignReferences(packed)).isEmpty();
    }

    /** Classes of Agnes in {@code packed} that name a class neither in {@code packed}, in picocli, nor in the JDK. */
    static List<String> foreignReferences(Map<String, byte[]> packed) {
        List<String> foreign = new ArrayList<>();
        packed.forEach((name, bytes) -> {
            if (name.startsWith("io/agnes/")) {
                for (String referenced : referencedClasses(bytes)) {
                    if (!packed.containsKey(referenced) && !referenced.startsWith("picocli/") && !inTheJdk(referenced)) {
                        foreign.add(name + " -> " + referenced);
                    }
                }
            }
        });
        return foreign;
    }

    static boolean inTheJdk(String internalName) {
        try {
            Class.forName(internalName.replace('/', '.'), false, ClassLoader.getPlatformClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The .class files under target/classes that the descriptor's fileSet includes, by internal name. */
    static Map<String, byte[]> classesSelectedByTheDescriptor() throws Exception {
        NodeList includes = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(DESCRIPTOR.toFile())
                .getElementsByTagName("include");
        List<Pattern> patterns = new ArrayList<>();
        for (int i = 0; i < includes.getLength(); i++) {
            Element include = (Element) includes.item(i);
            if (include.getParentNode().getParentNode().getNodeName().equals("fileSet")) {
                patterns.add(antPattern(include.getTextContent().trim()));
            }
        }
        assertThat(patterns).isNotEmpty();
        Map<String, byte[]> selected = new TreeMap<>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            files.filter(file -> file.toString().endsWith(".class")).forEach(file -> {
                String relative = CLASSES.relativize(file).toString().replace('\\', '/');
                if (patterns.stream().anyMatch(p -> p.matcher(relative).matches())) {
                    try {
                        selected.put(relative.substring(0, relative.length() - ".class".length()), Files.readAllBytes(file));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            });
        }
        return selected;
    }

    /** Maven's include syntax: {@code **} any directories, {@code *} and {@code ?} within one name. */
    static Pattern antPattern(String include) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < include.length(); i++) {
            char c = include.charAt(i);
            if (include.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (include.startsWith("**", i)) {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static final Pattern NAME_IN_DESCRIPTOR = Pattern.compile("L([A-Za-z0-9_$]+(?:/[A-Za-z0-9_$]+)+)[;<]");

    /**
     * Every class a class file names: its constant pool's class entries (array types unwrapped) and the classes
     * in descriptors and generic signatures (fields, methods, annotations), which are UTF-8 entries.
     */
    static Set<String> referencedClasses(byte[] classFile) {
        Set<String> names = new TreeSet<>();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile))) {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IllegalArgumentException("not a class file");
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            int count = in.readUnsignedShort();
            String[] utf8 = new String[count];
            List<Integer> classNameIndexes = new ArrayList<>();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classNameIndexes.add(in.readUnsignedShort());
                    case 8, 16, 19, 20 -> in.readUnsignedShort();
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++; // longs and doubles take two slots
                    }
                    default -> throw new IllegalArgumentException("unknown constant pool tag " + tag);
                }
            }
            for (int index : classNameIndexes) {
                String name = utf8[index];
                if (name.startsWith("[")) {
                    Matcher matcher = NAME_IN_DESCRIPTOR.matcher(name);
                    if (matcher.find()) {
                        names.add(matcher.group(1));
                    }
                } else {
                    names.add(name);
                }
            }
            for (String text : utf8) {
                if (text != null) {
                    Matcher matcher = NAME_IN_DESCRIPTOR.matcher(text);
                    while (matcher.find()) {
                        names.add(matcher.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
