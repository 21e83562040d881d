package io.agnes.observability;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.AroundTimeout;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Captures what leaves an {@link ErrorTracked} bean: method calls ({@code op} = the method in snake_case,
 * {@code source} = a String first argument) and EJB timeouts ({@code @AroundInvoke} never sees those).
 * Priority {@code LIBRARY_BEFORE}: outermost, so it reports the failure the caller finally gets.
 */
@ErrorTracked
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class ErrorTrackingInterceptor {

    private static final Logger LOG = Logger.getLogger(ErrorTrackingInterceptor.class.getName());

    @Inject
    PostHog posthog;

    @AroundInvoke
    Object aroundInvoke(InvocationContext context) throws Exception {
        try {
            return context.proceed();
        } catch (Exception | Error e) {
            report(context, e, false);
            throw e;
        }
    }

    @AroundTimeout
    Object aroundTimeout(InvocationContext context) throws Exception {
        try {
            return context.proceed();
        } catch (Exception | Error e) {
            report(context, e, true);
            throw e;
        }
    }

    private void report(InvocationContext context, Throwable error, boolean timeout) {
        try {
            if (posthog.enabled()) {
                posthog.captureException(error, EventIdentity.system(), properties(context, error, timeout), false);
            }
        } catch (RuntimeException | LinkageError e) {
            // whatever goes wrong here, the caller gets the original error, unchanged
            LOG.log(Level.WARNING, "Could not capture an error for PostHog; the application is unaffected", e);
        }
    }

    private static Map<String, Object> properties(InvocationContext context, Throwable error, boolean timeout) {
        Map<String, Object> properties = new LinkedHashMap<>();
        // read from the class, not InvocationContext.getInterceptorBinding: EJB containers need not support that
        ErrorTracked binding = context.getMethod().getDeclaringClass().getAnnotation(ErrorTracked.class);
        properties.put("component", binding == null || binding.component().isEmpty()
                ? context.getMethod().getDeclaringClass().getSimpleName() : binding.component());
        if (!timeout) {
            properties.put("op", snakeCase(context.getMethod().getName()));
            Object[] parameters = context.getParameters();
            // the EJB container passes null, not an empty array, for methods without parameters
            if (parameters != null && parameters.length > 0 && parameters[0] instanceof String source) {
                properties.put("source", source);
            }
        }
        if (error instanceof ErrorContext known) {
            properties.putAll(known.errorProperties());
        }
        return properties;
    }

    static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
