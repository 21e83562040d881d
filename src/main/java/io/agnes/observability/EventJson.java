package io.agnes.observability;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Writes events as PostHog's {@code /batch/} items: {@code {"event","distinct_id","properties","timestamp","uuid"}}.
 *
 * <p>A small hand-written serializer rather than Jakarta JSON-P's {@code Json.createGenerator}: the delivery
 * code must also run in the {@code da} command-line client, whose jar carries no JSON-P provider, and JSON-P
 * looks its provider up through {@code ServiceLoader} and the context class loader, which is the wrong loader
 * on a sender thread after a redeploy. The writer also has to be total: it runs on the sender thread, so a
 * property value it cannot represent (a cycle, a NaN, an exotic object) must become something sendable, never
 * an exception that stops delivery. Hence: non-finite numbers → {@code null}; nesting deeper than
 * {@value #MAX_DEPTH} → the string {@code "[nested too deeply]"}; unknown objects → their {@code toString()}.
 */
final class EventJson {

    /** Deep enough for any real property; shallow enough that a self-containing map cannot overflow the stack. */
    static final int MAX_DEPTH = 32;

    private EventJson() {
    }

    /**
     * One batch item, UTF-8. {@code $lib} and {@code $lib_version} are written last and replace same-named
     * properties of the event: they say which code sent it, which the caller cannot know better.
     */
    static byte[] item(Event event, String libVersion) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"event\":");
        string(out, event.name());
        out.append(",\"distinct_id\":");
        string(out, event.distinctId());
        out.append(",\"properties\":{");
        boolean first = true;
        for (Map.Entry<String, Object> property : event.properties().entrySet()) {
            String key = String.valueOf(property.getKey());
            if (key.equals("$lib") || key.equals("$lib_version")) {
                continue;
            }
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, key);
            out.append(':');
            value(out, property.getValue(), 1);
        }
        if (!first) {
            out.append(',');
        }
        out.append("\"$lib\":\"agnes-java\",\"$lib_version\":");
        string(out, libVersion);
        out.append("},\"timestamp\":");
        string(out, event.timestamp().toString());
        out.append(",\"uuid\":");
        string(out, event.uuid().toString());
        out.append('}');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Any value as JSON text (tests and the envelope use it). */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        value(out, value, 0);
        return out.toString();
    }

    private static void value(StringBuilder out, Object value, int depth) {
        if (value instanceof Optional<?> optional) {
            value = optional.orElse(null);
        }
        if (value == null) {
            out.append("null");
        } else if (value instanceof CharSequence || value instanceof Character) {
            string(out, value.toString());
        } else if (value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            out.append(Double.isFinite(d) ? value.toString() : "null");
        } else if (value instanceof BigDecimal decimal) {
            out.append(decimal.toString());
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Number number) {
            double d = number.doubleValue(); // AtomicLong, LongAdder, …: their value, never their toString
            out.append(Double.isFinite(d) ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d)
                    : Double.toString(d)) : "null");
        } else if (depth >= MAX_DEPTH) {
            string(out, "[nested too deeply]");
        } else if (value instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                string(out, String.valueOf(entry.getKey()));
                out.append(':');
                value(out, entry.getValue(), depth + 1);
            }
            out.append('}');
        } else if (value instanceof Iterable<?> iterable) {
            out.append('[');
            boolean first = true;
            for (Object element : iterable) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                value(out, element, depth + 1);
            }
            out.append(']');
        } else if (value.getClass().isArray()) {
            out.append('[');
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(out, Array.get(value, i), depth + 1);
            }
            out.append(']');
        } else if (value instanceof Enum<?> constant) {
            string(out, constant.name());
        } else {
            string(out, String.valueOf(value));
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static void string(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                    } else if (Character.isSurrogate(c) && !pairedSurrogate(text, i)) {
                        // a lone surrogate (e.g. text cut in the middle of an emoji) is not valid UTF-8, and
                        // strict parsers such as PostHog's (Rust) reject it even escaped: the whole batch would fail
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean pairedSurrogate(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }
}
