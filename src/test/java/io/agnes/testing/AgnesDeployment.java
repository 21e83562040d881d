package io.agnes.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.importer.ZipImporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * The one way integration tests deploy Agnes: the WAR that {@code mvn package} built, exactly as users get it,
 * plus a MicroProfile Config file with the test's settings. The file's ordinal (500) beats environment
 * variables and system properties, so each deployment is configured by its test alone.
 */
public final class AgnesDeployment {

    private final Map<String, String> settings = new LinkedHashMap<>();
    private final WebArchive war;

    private AgnesDeployment() {
        File built = new File(System.getProperty("agnes.war", "target/agnes.war"));
        if (!built.isFile()) {
            throw new IllegalStateException(built + " is missing: integration tests run after `mvn package` (use `mvn verify`)");
        }
        // ROOT.war: deployed at "/", as users run it
        war = ShrinkWrap.create(ZipImporter.class, "ROOT.war").importFrom(built).as(WebArchive.class);
        setting("AGNES_DATA_DIR", freshDataDir().toString());
    }

    public static AgnesDeployment agnes() {
        return new AgnesDeployment();
    }

    public AgnesDeployment setting(String key, String value) {
        settings.put(key, value);
        return this;
    }

    /** Adds test-only classes (probes) to the deployed WAR. */
    public AgnesDeployment withClasses(Class<?>... classes) {
        war.addClasses(classes);
        return this;
    }

    public WebArchive build() {
        StringBuilder props = new StringBuilder("config_ordinal=500\n");
        settings.forEach((k, v) -> props.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        war.addAsResource(new StringAsset(props.toString()), "META-INF/microprofile-config.properties");
        return war;
    }

    private static Path freshDataDir() {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"), "agnes-it");
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "data-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
