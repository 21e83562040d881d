package io.agnes.llm;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands where a tracing interceptor will stand: around {@link LlmCallAttempt#attempt}, seeing each
 * attempt's request and its response or failure. Overriding the method is what a CDI proxy does too.
 */
class AttemptProbe extends LlmCallAttempt {

    final List<LlmRequest> requests = new CopyOnWriteArrayList<>();
    final List<Object> outcomes = new CopyOnWriteArrayList<>();

    @Override
    public LlmResponse attempt(LlmRequest request) {
        requests.add(request);
        try {
            LlmResponse response = super.attempt(request);
            outcomes.add(response);
            return response;
        } catch (LlmException e) {
            outcomes.add(e);
            throw e;
        }
    }

    /** An {@link LlmClient} on this probe with {@code settings}, retrying after 1 ms instead of 500. */
    LlmClient client(LlmSettings settings) {
        configure(settings);
        LlmClient client = new LlmClient();
        client.callAttempt = this;
        client.backoff = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(1));
        return client;
    }
}
