package io.agnes.observability;

import java.util.Map;

/** An exception that knows properties worth sending with it (a failed job's HTTP status, its attempt). */
public interface ErrorContext {

    Map<String, Object> errorProperties();
}
