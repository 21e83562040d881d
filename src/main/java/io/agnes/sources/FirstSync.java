package io.agnes.sources;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * On a fresh installation there is nothing to query until a sync ran; so when no analytics database exists
 * at start, one sync starts in the background and a newcomer sees real tables within seconds.
 */
@ApplicationScoped
public class FirstSync {

    private static final Logger LOG = Logger.getLogger(FirstSync.class.getName());

    @Inject
    AnalyticsDatabase analytics;

    @Inject
    SyncRunner syncRunner;

    void onStart(@Observes Startup startup) {
        if (analytics.currentMaster().isPresent()) {
            return;
        }
        try {
            syncRunner.trigger();
            LOG.info("No analytics data yet: the first sync started in the background");
        } catch (RuntimeException e) {
            // a broken sources file or a busy executor must not stop Agnes from starting; admins can sync later
            LOG.log(Level.WARNING, "The first sync could not start: " + e.getMessage(), e);
        }
    }
}
