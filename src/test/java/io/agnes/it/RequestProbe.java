package io.agnes.it;

import io.agnes.auth.CurrentUser;
import io.agnes.web.UnhandledError;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test-only classes added to the deployed WAR: they show what later layers see of the current user.
 * {@code /probe/user} is answered by a filter that runs after authentication; {@code /api/probe/throw}
 * fails in JAX-RS, and an {@link UnhandledError} observer records the user the exception path saw.
 * {@code /probe/krazo-form-filter-scope} names the CDI scope of Krazo's per-request form filter as deployed.
 */
public final class RequestProbe {

    static final AtomicReference<String> USER_SEEN_BY_ERROR_OBSERVER = new AtomicReference<>("none yet");

    private RequestProbe() {
    }

    @WebFilter(urlPatterns = "/probe/*")
    public static class Filter extends HttpFilter {
        @Inject
        CurrentUser currentUser;

        @Inject
        BeanManager beans;

        @Override
        protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            String body = switch (request.getRequestURI()) {
                case "/probe/user" -> currentUser.get().map(u -> u.email()).orElse("anonymous");
                case "/probe/last-error-user" -> USER_SEEN_BY_ERROR_OBSERVER.get();
                case "/probe/posthog-threads" -> Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                        .filter(name -> name.toLowerCase(java.util.Locale.ROOT).contains("posthog"))
                        .sorted().collect(java.util.stream.Collectors.joining(","));
                case "/probe/krazo-form-filter-scope" -> scopeOf("org.eclipse.krazo.forms.FormMethodOverwriteFilter");
                default -> "unknown probe";
            };
            response.setContentType("text/plain");
            response.getWriter().write(body);
        }

        private String scopeOf(String className) {
            try {
                return beans.getBeans(Class.forName(className, false, Thread.currentThread().getContextClassLoader())).stream()
                        .map(bean -> bean.getScope().getSimpleName()).sorted().collect(java.util.stream.Collectors.joining(","));
            } catch (ClassNotFoundException e) {
                return "no class " + className;
            }
        }
    }

    @ApplicationScoped
    public static class ErrorObserver {
        @Inject
        CurrentUser currentUser;

        void seen(@Observes UnhandledError error) {
            USER_SEEN_BY_ERROR_OBSERVER.set(currentUser.get().map(u -> u.email()).orElse("anonymous")
                    + " " + error.layer() + " " + error.error().getClass().getSimpleName());
        }
    }

    @Path("api/probe/throw")
    public static class Thrower {
        @GET
        public String fail() {
            throw new IllegalStateException("probe failure with secret detail");
        }
    }
}
