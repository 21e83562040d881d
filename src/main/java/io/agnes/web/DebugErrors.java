package io.agnes.web;

import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * Deliberate errors for checking error handling and error tracking end to end ({@code /api/debug/throw}
 * and {@code /debug/throw}). Only a small allow-list of kinds exists; the original's Python names are
 * accepted alongside the Java ones. Both routes need a signed-in user and {@code DEBUG}.
 */
public final class DebugErrors {

    private static final Map<String, Function<String, RuntimeException>> KINDS = Map.ofEntries(
            Map.entry("valueerror", IllegalArgumentException::new),
            Map.entry("illegalargumentexception", IllegalArgumentException::new),
            Map.entry("runtimeerror", IllegalStateException::new),
            Map.entry("illegalstateexception", IllegalStateException::new),
            Map.entry("keyerror", NoSuchElementException::new),
            Map.entry("nosuchelementexception", NoSuchElementException::new),
            Map.entry("zerodivisionerror", ArithmeticException::new),
            Map.entry("arithmeticexception", ArithmeticException::new),
            Map.entry("typeerror", ClassCastException::new),
            Map.entry("classcastexception", ClassCastException::new),
            Map.entry("notimplementederror", UnsupportedOperationException::new),
            Map.entry("unsupportedoperationexception", UnsupportedOperationException::new),
            Map.entry("nullpointerexception", NullPointerException::new));

    private DebugErrors() {
    }

    /** The exception to throw for {@code kind} (unknown kinds: a plain RuntimeException) with {@code message}. */
    public static RuntimeException of(String kind, String message) {
        String text = message == null || message.isBlank() ? "Debug error requested" : message;
        String key = kind == null ? "" : kind.trim().toLowerCase(Locale.ROOT);
        return KINDS.getOrDefault(key, RuntimeException::new).apply(text);
    }
}
