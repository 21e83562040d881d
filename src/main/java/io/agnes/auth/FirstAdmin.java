package io.agnes.auth;

import io.agnes.web.Setting;
import io.agnes.web.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import jakarta.ws.rs.ClientErrorException;
import java.util.logging.Logger;

/** At start: the admin from AGNES_ADMIN_EMAIL/AGNES_ADMIN_PASSWORD, and the dev user with a loud warning. */
@ApplicationScoped
public class FirstAdmin {

    private static final Logger LOG = Logger.getLogger(FirstAdmin.class.getName());

    @Inject
    Settings settings;

    @Inject
    AuthSettings authSettings;

    @Inject
    Users users;

    void onStart(@Observes Startup startup) {
        if (authSettings.devMode()) {
            users.ensureDevUser();
            LOG.warning("""

                    ************************************************************************
                    *  LOCAL_DEV_MODE is ON: every request is signed in as the admin       *
                    *  dev@localhost, without a password. Never use this in production.    *
                    ************************************************************************""");
        }
        String email = settings.string(Setting.AGNES_ADMIN_EMAIL);
        String password = settings.string(Setting.AGNES_ADMIN_PASSWORD);
        if (email.isEmpty() != password.isEmpty()) {
            LOG.warning("AGNES_ADMIN_EMAIL and AGNES_ADMIN_PASSWORD must be set together; no admin is created from them");
            return;
        }
        if (email.isEmpty() || users.findByEmail(email).isPresent()) {
            return;
        }
        try {
            users.create(email, null, password, true);
            LOG.info(() -> "Created the admin " + UserAccount.normaliseEmail(email) + " from AGNES_ADMIN_EMAIL");
        } catch (ClientErrorException invalid) {
            LOG.warning("AGNES_ADMIN_EMAIL/AGNES_ADMIN_PASSWORD not used: " + invalid.getMessage());
        }
    }
}
