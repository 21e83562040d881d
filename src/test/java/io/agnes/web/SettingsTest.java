package io.agnes.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private final Map<String, String> env = new HashMap<>();
    private final Settings settings = new Settings(key -> Optional.ofNullable(env.get(key)));
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            warnings.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger(Settings.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger(Settings.class.getName()).removeHandler(capture);
    }

    @Test
    void unsetAndBlankValuesFallBackToTheDefault() {
        assertThat(settings.string(Setting.AGNES_DATA_DIR)).isEqualTo("./data");
        env.put("AGNES_DATA_DIR", "   ");
        assertThat(settings.string(Setting.AGNES_DATA_DIR)).isEqualTo("./data");
        env.put("AGNES_DATA_DIR", " /srv/agnes ");
        assertThat(settings.string(Setting.AGNES_DATA_DIR)).isEqualTo("/srv/agnes");
        assertThat(warnings).isEmpty();
    }

    @Test
    void flagsAcceptTheOriginalsTruthyWordsInAnyCase() {
        for (String truthy : List.of("1", "true", "YES", " On ")) {
            env.put("DEBUG", truthy);
            assertThat(settings.flag(Setting.DEBUG)).as(truthy).isTrue();
        }
        for (String falsy : List.of("0", "false", "No", "off", "")) {
            env.put("DEBUG", falsy);
            assertThat(settings.flag(Setting.DEBUG)).as(falsy).isFalse();
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void anUnrecognisedFlagWarnsOnceNamingTheValueAndTheDefaultUsed() {
        env.put("LOCAL_DEV_MODE", "maybe");
        assertThat(settings.flag(Setting.LOCAL_DEV_MODE)).isFalse();
        assertThat(settings.flag(Setting.LOCAL_DEV_MODE)).isFalse();
        assertThat(warnings).singleElement().satisfies(w ->
                assertThat(w).contains("LOCAL_DEV_MODE").contains("\"maybe\"").contains("using false"));
    }

    @Test
    void theContentSecurityPolicyModeIsEnforcedUnlessTheOperatorSaysOtherwise() {
        assertThat(ContentSecurityPolicy.Mode.from(settings)).isEqualTo(ContentSecurityPolicy.Mode.ENFORCE);
        env.put("AGNES_CONTENT_SECURITY_POLICY", " Report-Only ");
        assertThat(ContentSecurityPolicy.Mode.from(settings)).isEqualTo(ContentSecurityPolicy.Mode.REPORT_ONLY);
        env.put("AGNES_CONTENT_SECURITY_POLICY", "off");
        assertThat(ContentSecurityPolicy.Mode.from(settings)).isEqualTo(ContentSecurityPolicy.Mode.OFF);
        assertThat(warnings).isEmpty();

        env.put("AGNES_CONTENT_SECURITY_POLICY", "strict");
        assertThat(ContentSecurityPolicy.Mode.from(settings)).as("the safe default").isEqualTo(ContentSecurityPolicy.Mode.ENFORCE);
        assertThat(warnings).singleElement().satisfies(w ->
                assertThat(w).contains("AGNES_CONTENT_SECURITY_POLICY").contains("\"strict\"").contains("using enforce"));
    }

    @Test
    void numbersOutOfRangeOrNotNumbersWarnAndUseTheDefault() {
        env.put("AGNES_SESSION_TIMEOUT_MINUTES", "90");
        assertThat(settings.positiveInt(Setting.AGNES_SESSION_TIMEOUT_MINUTES, 1)).isEqualTo(90);
        env.put("AGNES_SESSION_TIMEOUT_MINUTES", "0");
        assertThat(settings.positiveInt(Setting.AGNES_SESSION_TIMEOUT_MINUTES, 1)).isEqualTo(480);
        env.put("AGNES_SESSION_TIMEOUT_MINUTES", "ten");
        assertThat(settings.positiveInt(Setting.AGNES_SESSION_TIMEOUT_MINUTES, 1)).isEqualTo(480);
        assertThat(warnings).hasSize(2).allSatisfy(w -> assertThat(w).contains("AGNES_SESSION_TIMEOUT_MINUTES").contains("using 480"));
        assertThat(warnings.get(1)).contains("\"ten\"");
    }

    @Test
    void durationsTakeAUnitAndOffDisables() {
        assertThat(settings.duration(Setting.AGNES_JOB_HEALTH_CHECK_INTERVAL)).isEqualTo(java.time.Duration.ofMinutes(5));
        env.put("AGNES_JOB_HEALTH_CHECK_INTERVAL", "30s");
        assertThat(settings.duration(Setting.AGNES_JOB_HEALTH_CHECK_INTERVAL)).isEqualTo(java.time.Duration.ofSeconds(30));
        env.put("AGNES_JOB_HEALTH_CHECK_INTERVAL", "2H");
        assertThat(settings.duration(Setting.AGNES_JOB_HEALTH_CHECK_INTERVAL)).isEqualTo(java.time.Duration.ofHours(2));
        env.put("AGNES_JOB_HEALTH_CHECK_INTERVAL", "off");
        assertThat(settings.duration(Setting.AGNES_JOB_HEALTH_CHECK_INTERVAL)).isZero();
        assertThat(warnings).isEmpty();
        env.put("AGNES_JOB_HEALTH_CHECK_INTERVAL", "5 minutes");
        assertThat(settings.duration(Setting.AGNES_JOB_HEALTH_CHECK_INTERVAL)).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("\"5 minutes\"").contains("using 5m"));
    }
}
