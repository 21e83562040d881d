package io.agnes.observability;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Put on the method that makes ONE LLM call attempt ({@code LlmResponse attempt(LlmRequest)}): each call
 * becomes a PostHog {@code $ai_generation} event, success or error; the call itself is unaffected.
 */
@InterceptorBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface LlmTraced {
}
