package io.agnes.cli;

import org.junit.jupiter.api.Nested;

/**
 * The launcher and jar checks again, after {@code mvn package} built {@code target/da.jar}: during the unit-test
 * phase the jar does not exist yet, so the checks that need it are skipped there and run here.
 */
class DaJarIT {

    @Nested
    class Launcher extends LauncherTest {
    }

    @Nested
    class SelfContained extends SelfContainedTest {
    }
}
