package io.agnes.observability;

/**
 * One feature flag's value for one distinct id, as PostHog (or the local evaluation) decided it.
 *
 * @param enabled whether the flag is on for the id
 * @param variant the multivariate variant's key, {@code null} for a boolean flag or when off
 * @param payload the payload as JSON text, {@code null} when there is none or the flag is off
 */
public record FlagResult(boolean enabled, String variant, String payload) {

    static final FlagResult OFF = new FlagResult(false, null, null);

    public FlagResult {
        if (!enabled) {
            // an off flag has no variant and no payload, however the answer spelled it
            variant = null;
            payload = null;
        }
    }
}
