package io.agnes.llm;

import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * The strongest JSON format a provider's server still accepts. Once the server rejects a format every
 * later call starts from the weaker one, so the rejection costs one failed request per server, not per call.
 */
final class FormatFallback {

    private static final Logger LOG = Logger.getLogger(FormatFallback.class.getName());

    private final String provider;
    private final String baseUrl;
    private final AtomicReference<ResponseFormat> current;

    FormatFallback(String provider, String baseUrl, ResponseFormat strongest) {
        this.provider = provider;
        this.baseUrl = baseUrl;
        this.current = new AtomicReference<>(strongest);
    }

    ResponseFormat current() {
        return current.get();
    }

    /**
     * Records that the server rejected {@code rejected}. Concurrent calls that were all sent with the same
     * format step down once, not once each.
     *
     * @return whether a weaker format is now in use, i.e. the call is worth repeating at once
     */
    boolean rejected(ResponseFormat rejected, ResponseFormat weaker, String reason) {
        if (rejected == weaker) {
            return false;
        }
        if (current.compareAndSet(rejected, weaker)) {
            LOG.warning(() -> provider + " server " + baseUrl + " rejected response format " + rejected.wireName()
                    + " (" + reason + "); using " + weaker.wireName() + " from now on");
        }
        return current.get().ordinal() > rejected.ordinal();
    }
}
