package io.agnes.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** What Maven wrote into the build: the version. */
public final class BuildInfo {

    private static final String VERSION = load();

    private BuildInfo() {
    }

    public static String version() {
        return VERSION;
    }

    private static String load() {
        Properties props = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/agnes-build.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            // fall through to "dev"
        }
        String version = props.getProperty("version", "");
        return version.isEmpty() || version.startsWith("${") ? "dev" : version;
    }
}
