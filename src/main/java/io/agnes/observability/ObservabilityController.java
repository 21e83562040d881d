package io.agnes.observability;

import io.agnes.auth.AdminOnly;
import io.agnes.auth.CurrentUser;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.mvc.Controller;
import jakarta.mvc.Models;
import jakarta.mvc.security.CsrfProtected;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Admin page "Observability": is PostHog on, with which settings, what happened to the events and pages
 * (captured, sent, retried, dropped; injected, skipped, failed), and two buttons that send a test event and a
 * test error, showing exactly what was queued.
 */
@Controller
@RequestScoped
@Path("admin/observability")
@AdminOnly
public class ObservabilityController {

    @Inject
    Models models;

    @Inject
    PostHog posthog;

    @Inject
    InjectionCounters injectionCounters;

    @Inject
    ProxyCounters proxyCounters;

    @Inject
    RequestEvents requestEvents;

    @Inject
    CurrentUser currentUser;

    @Context
    HttpServletRequest request;

    /** A label and a value, for the page's tables (JavaBean getters for JSP). */
    public record Row(String label, String value) {
        public String getLabel() {
            return label;
        }

        public String getValue() {
            return value;
        }
    }

    @GET
    public String page() {
        PostHogSettings settings = posthog.config();
        List<Row> config = new ArrayList<>();
        config.add(new Row("Integration", settings.enabled() ? "on" : "off — " + settings.offReason()));
        config.add(new Row("Host", settings.host()));
        config.add(new Row("Environment", settings.environment()));
        config.add(new Row("Release", settings.release().orElse("(none)")));
        config.add(new Row("Identify mode", settings.identifyMode().configValue()));
        config.add(new Row("Session replay", settings.replay() ? "on" : "off"));
        config.add(new Row("LLM payloads", settings.llmPayloads() ? "on (max " + settings.llmPayloadMaxChars() + " chars)" : "off"));
        config.add(new Row("Same-origin proxy", settings.proxy()
                .map(route -> request.getContextPath() + route.summary() + ", ui_host " + route.uiHost()).orElse("off")));
        models.put("config", config);

        DeliveryStats delivery = posthog.counters();
        List<Row> counts = new ArrayList<>();
        counts.add(new Row("Events captured", String.valueOf(delivery.captured())));
        counts.add(new Row("Events sent", String.valueOf(delivery.sent())));
        counts.add(new Row("Batches retried", String.valueOf(delivery.retriedBatches())));
        counts.add(new Row("Events waiting", delivery.pendingCompressed() == 0 ? String.valueOf(delivery.pending())
                : delivery.pending() + " (" + delivery.pendingCompressed() + " compressed, "
                + (delivery.pendingCompressedBytes() + 1023) / 1024 + " KB)"));
        delivery.dropped().forEach((reason, n) -> counts.add(new Row("Dropped: " + reason.name().toLowerCase(), String.valueOf(n))));
        delivery.lastError().ifPresent(e -> counts.add(new Row("Last delivery error", e)));
        InjectionStats pages = injectionCounters.snapshot();
        counts.add(new Row("Pages injected", String.valueOf(pages.injected())));
        pages.skipped().forEach((reason, n) -> counts.add(new Row("Pages skipped: " + reason.wireName(), String.valueOf(n))));
        counts.add(new Row("Pages failed", String.valueOf(pages.failed())));
        if (settings.proxy().isPresent()) {
            ProxyCounters.ProxyStats proxied = proxyCounters.snapshot();
            counts.add(new Row("Proxy: requests forwarded", String.valueOf(proxied.forwarded())));
            counts.add(new Row("Proxy: refused (path, method, size)", String.valueOf(proxied.refused())));
            counts.add(new Row("Proxy: PostHog unreachable or too slow", String.valueOf(proxied.upstreamFailures())));
            counts.add(new Row("Proxy: bytes to / from PostHog", proxied.bytesUp() + " / " + proxied.bytesDown()));
        }
        models.put("counts", counts);
        models.put("enabled", posthog.enabled());
        return "observability.jsp";
    }

    @POST
    @Path("test-event")
    @CsrfProtected
    public String testEvent() {
        RequestEvents.Origin origin = requestEvents.of(request, currentUser.get());
        return sent("agnes_test_event", posthog.captureTestEvent(origin.identity(), origin.properties()));
    }

    @POST
    @Path("test-error")
    @CsrfProtected
    public String testError() {
        RequestEvents.Origin origin = requestEvents.of(request, currentUser.get());
        return sent("$exception", posthog.captureTestError(origin.identity(), origin.properties()));
    }

    private String sent(String event, Map<String, Object> properties) {
        models.put("sentEvent", event);
        models.put("sentJson", properties.isEmpty() ? "" : EventJson.write(properties));
        return page();
    }
}
