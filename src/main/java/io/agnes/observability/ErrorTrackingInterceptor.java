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

/**
 * Captures what leaves an {@link ErrorTracked} bean: method calls ({@code op} = the method in snake_case,
 * {@code source} = a String first argument) and EJB timeouts ({@code @AroundInvoke} never sees those).
 * Priority {@code LIBRARY_BEFORE}: outermost, so it reports the failure the caller finally gets.
 */
@ErrorTracked
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE)
public class ErrorTrackingInterceptor {

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
        if (!posthog.enabled()) {
            return;
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        ErrorTracked binding = context.getInterceptorBinding(ErrorTracked.class);
        properties.put("component", binding == null || binding.component().isEmpty()
                ? context.getMethod().getDeclaringClass().getSimpleName() : binding.component());
        if (!timeout) {
            properties.put("op", snakeCase(context.getMethod().getName()));
            Object[] parameters = context.getParameters();
            if (parameters.length > 0 && parameters[0] instanceof String source) {
                properties.put("source", source);
            }
        }
        if (error instanceof ErrorContext known) {
            properties.putAll(known.errorProperties());
        }
        posthog.captureException(error, EventIdentity.system(), properties, false);
    }

    static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
