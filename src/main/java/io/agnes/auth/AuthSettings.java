package io.agnes.auth;

import io.agnes.web.Setting;
import io.agnes.web.Settings;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.logging.Logger;

/** The authentication settings, read and validated once at start. */
@ApplicationScoped
public class AuthSettings {

    private static final Logger LOG = Logger.getLogger(AuthSettings.class.getName());
    static final int MIN_SCHEDULER_SECRET_LENGTH = 32;

    @Inject
    Settings settings;

    private boolean devMode;
    private byte[] schedulerSecret;
    private int sessionTimeoutSeconds;

    @PostConstruct
    void read() {
        devMode = settings.flag(Setting.LOCAL_DEV_MODE);
        String secret = settings.string(Setting.AGNES_SCHEDULER_SECRET);
        if (!secret.isEmpty() && secret.length() < MIN_SCHEDULER_SECRET_LENGTH) {
            // the value itself is a secret: name the key and the problem, never the value
            LOG.warning("Invalid AGNES_SCHEDULER_SECRET: it has " + secret.length() + " characters, at least "
                    + MIN_SCHEDULER_SECRET_LENGTH + " are required; scheduler authentication stays off");
            secret = "";
        }
        schedulerSecret = secret.isEmpty() ? null : secret.getBytes(StandardCharsets.UTF_8);
        sessionTimeoutSeconds = settings.positiveInt(Setting.AGNES_SESSION_TIMEOUT_MINUTES, 1) * 60;
    }

    public boolean devMode() {
        return devMode;
    }

    public int sessionTimeoutSeconds() {
        return sessionTimeoutSeconds;
    }

    /** The validated scheduler secret, for the scheduler's own calls; empty when scheduler auth is off. */
    public java.util.Optional<String> schedulerSecret() {
        return java.util.Optional.ofNullable(schedulerSecret).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    /** Constant-time comparison with the configured scheduler secret; false when none is configured. */
    boolean isSchedulerSecret(String presented) {
        return schedulerSecret != null && presented != null
                && MessageDigest.isEqual(schedulerSecret, presented.getBytes(StandardCharsets.UTF_8));
    }
}
