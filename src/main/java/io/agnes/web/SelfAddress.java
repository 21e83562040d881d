package io.agnes.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Where this server can reach itself on loopback, for the scheduler's calls to Agnes' own API when
 * {@code AGNES_SCHEDULER_BASE_URL} is not set. The servlet API cannot tell an application its port before a
 * request arrives, so the port of the first request served is used, and 8080 until then.
 */
@ApplicationScoped
public class SelfAddress {

    private volatile String baseUrl;

    void learnFrom(HttpServletRequest request) {
        if (baseUrl == null && "http".equals(request.getScheme())) {
            baseUrl = "http://127.0.0.1:" + request.getLocalPort() + request.getContextPath();
        }
    }

    public String baseUrl() {
        String known = baseUrl;
        return known != null ? known : "http://127.0.0.1:8080";
    }
}
