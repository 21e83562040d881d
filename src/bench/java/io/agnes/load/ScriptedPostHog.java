package io.agnes.load;

import io.agnes.testing.FakePostHog;
import io.agnes.testing.FakePostHog.Reply;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The test suite's {@link FakePostHog} on one fixed port, switched between PostHog's failure modes: answering,
 * refusing connections (nobody listens on the port), 503, 429 with {@code Retry-After}, hanging. Counts the
 * distinct events it acknowledged across restarts (a re-sent event counts once).
 */
final class ScriptedPostHog implements AutoCloseable {

    enum Mode {
        OK, REFUSE, STATUS_503, STATUS_429, HANG
    }

    private final int port;
    private FakePostHog fake;
    private final Set<String> delivered = new HashSet<>();
    private long duplicates;
    private Mode mode = Mode.OK;

    ScriptedPostHog(int port) {
        this.port = port;
        this.fake = FakePostHog.startOn(port);
    }

    synchronized void mode(Mode next) {
        if (next == mode) {
            return;
        }
        if (mode == Mode.HANG || next == Mode.REFUSE) {
            // closing drops the held requests unanswered (the client times out and retries them) or stops listening
            collect();
            fake.close();
            fake = null;
        }
        if (fake == null && next != Mode.REFUSE) {
            fake = FakePostHog.startOn(port);
        }
        if (fake != null) {
            fake.otherwise(switch (next) {
                case OK, REFUSE -> Reply.OK;
                case STATUS_503 -> Reply.status(503);
                case STATUS_429 -> Reply.status(429, "Retry-After", "5");
                case HANG -> Reply.HANG;
            });
        }
        mode = next;
    }

    /** Distinct events acknowledged (2xx) so far. */
    synchronized long delivered() {
        collect();
        return delivered.size();
    }

    /** Events acknowledged more than once (sent again after an answer that did not reach Agnes). */
    synchronized long duplicates() {
        collect();
        return duplicates;
    }

    private final Set<FakePostHog> counted = new HashSet<>();
    private int countedOfCurrent;

    private void collect() {
        if (fake == null) {
            return;
        }
        List<String> uuids = fake.deliveredUuids();
        if (!counted.contains(fake)) {
            counted.add(fake);
            countedOfCurrent = 0;
        }
        for (String uuid : uuids.subList(countedOfCurrent, uuids.size())) {
            if (!delivered.add(uuid)) {
                duplicates++;
            }
        }
        countedOfCurrent = uuids.size();
    }

    String url() {
        return FakePostHog.url(port);
    }

    @Override
    public synchronized void close() {
        if (fake != null) {
            fake.close();
        }
    }
}
