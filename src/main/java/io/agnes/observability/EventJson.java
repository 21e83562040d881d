package io.agnes.observability;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * The JSON writer for event bodies: {@link Map}, {@link Collection} (and arrays), {@link String},
 * {@link Number}, {@link Boolean} and {@code null}; anything else is written as its {@code toString()}
 * string (an enum's name, a UUID, an Instant). No dependency, so it works in the server and in the CLI alike,
 * and {@link #utf8Length} measures exactly the bytes PostHog counts against its per-event limits.
 *
 * <p>Escaping: {@code "} and {@code \}, every control character below U+0020 (short forms for
 * {@code \b \f \n \r \t}), U+007F–U+009F, U+2028/U+2029 (which break JavaScript that embeds JSON) and lone
 * surrogates (which have no UTF-8 form; escaped they stay valid JSON text). Characters outside the BMP are
 * written as themselves (four bytes in UTF-8). Non-finite doubles (NaN, infinities) have no JSON form and are
 * written as {@code null}.
 *
 * <p>{@link #writeForScript} additionally writes {@code <}, {@code >} and {@code &} as JSON unicode escapes
 * (backslash, {@code u003c} and so on), so the text can sit inside an HTML {@code <script>} element: no
 * {@code </script>}, {@code <!--} or {@code ]]>} can appear in it, and it still parses as the same JSON (and as a
 * JavaScript expression). Event bodies do not need this and keep the shorter form.
 */
public final class EventJson {

    /** Deeper nesting than this is a cycle or a mistake; it fails instead of overflowing the stack. */
    static final int MAX_DEPTH = 64;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private EventJson() {
    }

    /** {@code value} as JSON text. */
    public static String write(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(value, out);
        return out.toString();
    }

    /**
     * {@code value} as JSON text that is safe inside an HTML {@code <script>} element (see the class comment).
     *
     * @throws IllegalArgumentException when the value nests deeper than {@value #MAX_DEPTH} levels (a cycle)
     */
    public static String writeForScript(Object value) {
        StringBuilder out = new StringBuilder(256);
        write(value, out, 0, true);
        return out.toString();
    }

    /**
     * Appends {@code value} as JSON to {@code out}.
     *
     * @throws IllegalArgumentException when the value nests deeper than {@value #MAX_DEPTH} levels (a cycle)
     */
    public static void write(Object value, StringBuilder out) {
        write(value, out, 0, false);
    }

    /** How many bytes {@code value} takes as UTF-8 JSON: the size PostHog measures. */
    public static long utf8Length(Object value) {
        return utf8Bytes(write(value));
    }

    /** The UTF-8 size of text that holds no lone surrogates (as {@link #write} produces). */
    private static long utf8Bytes(CharSequence json) {
        long bytes = 0;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * One batch item of the capture API, UTF-8. {@code $lib} and {@code $lib_version} are written last and replace
     * same-named properties: they say which code sent the event, which the caller cannot know better.
     */
    static byte[] item(Event event, String libVersion) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"event\":");
        writeString(event.name(), out);
        out.append(",\"distinct_id\":");
        writeString(event.distinctId(), out);
        out.append(",\"properties\":{");
        for (Map.Entry<String, Object> property : event.properties().entrySet()) {
            String key = String.valueOf(property.getKey());
            if (key.equals("$lib") || key.equals("$lib_version")) {
                continue;
            }
            writeString(key, out);
            out.append(':');
            write(property.getValue(), out, 1, false);
            out.append(',');
        }
        out.append("\"$lib\":\"").append(CommonProperties.LIB).append("\",\"$lib_version\":");
        writeString(libVersion, out);
        out.append("},\"timestamp\":");
        writeString(event.timestamp().toString(), out);
        out.append(",\"uuid\":");
        writeString(event.uuid().toString(), out);
        out.append('}');
        return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Appends {@code text} as a JSON string literal. */
    static void string(StringBuilder out, String text) {
        writeString(text, out);
    }

    /** {@code value} as a JSON string literal, quotes included. */
    public static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2);
        writeString(value, out);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out, int depth, boolean forScript) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("JSON nested deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        switch (value) {
            case null -> out.append("null");
            case String s -> writeString(s, out, forScript);
            case Boolean b -> out.append(b.booleanValue());
            case Double d -> writeFloating(d, out);
            case Float f -> writeFloating(f.doubleValue(), out);
            case Number n when n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                    || n instanceof BigInteger || n instanceof BigDecimal -> out.append(n);
            case Number n -> writeFloating(n.doubleValue(), out);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    writeString(String.valueOf(entry.getKey()), out, forScript);
                    out.append(':');
                    write(entry.getValue(), out, depth + 1, forScript);
                }
                out.append('}');
            }
            case Collection<?> items -> {
                out.append('[');
                boolean first = true;
                for (Object item : items) {
                    if (!first) {
                        out.append(',');
                    }
                    first = false;
                    write(item, out, depth + 1, forScript);
                }
                out.append(']');
            }
            default -> {
                if (value.getClass().isArray()) {
                    out.append('[');
                    for (int i = 0, n = Array.getLength(value); i < n; i++) {
                        if (i > 0) {
                            out.append(',');
                        }
                        write(Array.get(value, i), out, depth + 1, forScript);
                    }
                    out.append(']');
                } else {
                    writeString(value.toString(), out, forScript);
                }
            }
        }
    }

    private static void writeFloating(double d, StringBuilder out) {
        if (Double.isFinite(d)) {
            // Double.toString gives 1.0, 1.0E-5, 1.0E10: all valid JSON numbers
            out.append(d);
        } else {
            out.append("null");
        }
    }

    private static void writeString(String s, StringBuilder out) {
        writeString(s, out, false);
    }

    private static void writeString(String s, StringBuilder out, boolean forScript) {
        out.append('"');
        // Characters that go out as they are are appended in runs, not one by one: a queued $exception is ~14 KB of
        // such text (frame names and paths), and appending it char by char was a third of the sender's time.
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f ? c != '"' && c != '\\' && !(forScript && (c == '<' || c == '>' || c == '&'))
                    : c >= 0xa0 && c != '\u2028' && c != '\u2029' && !Character.isSurrogate(c)) {
                continue;
            }
            out.append(s, run, i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        // a lone surrogate is not Unicode: strict parsers (PostHog's ingestion) reject the whole batch
                        out.append('\uFFFD');
                    } else {
                        unicodeEscape(c, out); // other controls, U+2028/9, and < > & in a script
                    }
                }
            }
            run = i + 1;
        }
        out.append(s, run, s.length());
        out.append('"');
    }

    private static void unicodeEscape(char c, StringBuilder out) {
        out.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
    }
}
