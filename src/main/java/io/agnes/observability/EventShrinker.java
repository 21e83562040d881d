package io.agnes.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes an event small enough for PostHog instead of letting it be refused: PostHog answers 413 to an event
 * over about 1 MB, and to an {@code $ai_*} event over 983,040 bytes on {@code /batch/}.
 *
 * <p>What goes first is what matters least for the event's purpose, each step only as far as needed:
 * <ol>
 *   <li>LLM payloads ({@code $ai_input}, {@code $ai_output_choices}, {@code $ai_tools}): every {@code content}
 *       or {@code text} string is cut to half the longest one, then half again, down to
 *       {@value #MIN_PAYLOAD_CHARS} characters, each with the truncation marker counting from the original
 *       length; if that is still too big, the payload becomes a single marker string;</li>
 *   <li>{@code $exception_list}: messages halved down to {@value #MIN_VALUE_CHARS} characters, then frames per
 *       exception halved (keeping both ends) down to {@value #MIN_FRAMES}, then the exceptions after the first
 *       dropped, last first;</li>
 *   <li>any other string longer than {@value #MIN_OTHER_CHARS} characters, halved likewise (short values such
 *       as ids and {@code $session_id} are never touched).</li>
 * </ol>
 * The caller's map is never modified; the result says whether the event now fits, so an event that cannot be
 * made to fit is logged by the caller rather than dropped silently.
 */
public final class EventShrinker {

    /** PostHog's limit for one event. */
    public static final int MAX_EVENT_BYTES = 1_000_000;
    /** PostHog's limit for one {@code $ai_*} event sent to {@code /batch/}. */
    public static final int MAX_AI_EVENT_BYTES = 983_040;
    /**
     * Room kept for the rest of the event around its properties: name, distinct id (≤ 200 chars), uuid,
     * timestamp and the keys, with margin for what the capture server adds before it measures.
     */
    public static final int ENVELOPE_RESERVE_BYTES = 4_096;

    static final int MIN_PAYLOAD_CHARS = 64;
    static final int MIN_VALUE_CHARS = 256;
    static final int MIN_FRAMES = 10;
    static final int MIN_OTHER_CHARS = 1_024;

    private static final Set<String> AI_PAYLOAD_KEYS = Set.of("$ai_input", "$ai_output_choices", "$ai_tools");
    private static final Set<String> AI_TEXT_KEYS = Set.of("content", "text");
    private static final String EXCEPTION_LIST = "$exception_list";

    /**
     * The outcome.
     *
     * @param properties  the (possibly) shrunk properties; the caller's own map when nothing had to change
     * @param bytes       their size as UTF-8 JSON
     * @param fits        whether that is within the limit
     * @param shrunk      whether anything was cut
     */
    public record Result(Map<String, Object> properties, long bytes, boolean fits, boolean shrunk) {
    }

    private EventShrinker() {
    }

    /** PostHog's size limit for an event named {@code event}. */
    public static int limitFor(String event) {
        return event != null && event.startsWith("$ai_") ? MAX_AI_EVENT_BYTES : MAX_EVENT_BYTES;
    }

    /** Shrinks the properties of an event named {@code event} to its limit less {@link #ENVELOPE_RESERVE_BYTES}. */
    public static Result shrink(String event, Map<String, Object> properties) {
        return shrink(properties, limitFor(event) - ENVELOPE_RESERVE_BYTES);
    }

    /** Shrinks {@code properties} until their UTF-8 JSON takes at most {@code maxBytes}, or nothing is left to cut. */
    public static Result shrink(Map<String, Object> properties, long maxBytes) {
        long bytes = EventJson.utf8Length(properties);
        if (bytes <= maxBytes) {
            return new Result(properties, bytes, true, false);
        }
        Map<String, Object> working = deepCopy(properties);
        for (Step step : new Step[] {EventShrinker::shrinkAiPayloads, EventShrinker::shrinkExceptionList,
                EventShrinker::shrinkOtherStrings}) {
            bytes = step.apply(working, maxBytes);
            if (bytes <= maxBytes) {
                return new Result(working, bytes, true, true);
            }
        }
        return new Result(working, bytes, false, true);
    }

    /** One kind of cut; returns the size afterwards. */
    private interface Step {
        long apply(Map<String, Object> props, long maxBytes);
    }

    // --- 1. LLM payloads

    private static long shrinkAiPayloads(Map<String, Object> props, long maxBytes) {
        long bytes = EventJson.utf8Length(props);
        List<String> present = AI_PAYLOAD_KEYS.stream().filter(props::containsKey).sorted().toList();
        if (present.isEmpty()) {
            return bytes;
        }
        long longest = 0;
        for (String key : present) {
            longest = Math.max(longest, longestText(props.get(key), true));
        }
        for (long cap = longest / 2; cap >= MIN_PAYLOAD_CHARS && bytes > maxBytes; cap /= 2) {
            for (String key : present) {
                props.put(key, cutTexts(props.get(key), (int) cap, true));
            }
            bytes = EventJson.utf8Length(props);
        }
        for (String key : present) {
            if (bytes <= maxBytes) {
                break;
            }
            // nothing sensible is left to cut: the marker says how many characters of JSON went
            props.put(key, PayloadTruncation.marker(EventJson.write(props.get(key)).length()));
            bytes = EventJson.utf8Length(props);
        }
        return bytes;
    }

    /** The longest (original) length among the strings {@link #cutTexts} would cut. */
    private static long longestText(Object value, boolean textKey) {
        return switch (value) {
            case String s -> textKey ? PayloadTruncation.originalLength(s) : 0;
            case Map<?, ?> map -> {
                long max = 0;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    max = Math.max(max, longestText(e.getValue(), AI_TEXT_KEYS.contains(String.valueOf(e.getKey()))));
                }
                yield max;
            }
            case List<?> list -> {
                long max = 0;
                for (Object item : list) {
                    max = Math.max(max, longestText(item, true));
                }
                yield max;
            }
            case null, default -> 0;
        };
    }

    /**
     * {@code value} with every {@code content}/{@code text} string (and every string directly in a list) cut
     * to {@code cap}; roles, types and other short fields are left alone.
     */
    private static Object cutTexts(Object value, int cap, boolean textKey) {
        return switch (value) {
            case String s -> textKey ? PayloadTruncation.truncate(s, cap) : s;
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    copy.put(key, cutTexts(e.getValue(), cap, AI_TEXT_KEYS.contains(key)));
                }
                yield copy;
            }
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                for (Object item : list) {
                    copy.add(cutTexts(item, cap, true));
                }
                yield copy;
            }
            case null, default -> value;
        };
    }

    // --- 2. exceptions

    @SuppressWarnings("unchecked")
    private static long shrinkExceptionList(Map<String, Object> props, long maxBytes) {
        long bytes = EventJson.utf8Length(props);
        if (!(props.get(EXCEPTION_LIST) instanceof List<?> rawList) || rawList.isEmpty()) {
            return bytes;
        }
        List<Map<String, Object>> exceptions = new ArrayList<>();
        for (Object item : rawList) {
            if (item instanceof Map<?, ?> m) {
                exceptions.add((Map<String, Object>) m);
            }
        }
        props.put(EXCEPTION_LIST, exceptions);

        long longestValue = 0;
        for (Map<String, Object> e : exceptions) {
            if (e.get("value") instanceof String v) {
                longestValue = Math.max(longestValue, PayloadTruncation.originalLength(v));
            }
        }
        for (long cap = longestValue / 2; cap >= MIN_VALUE_CHARS && bytes > maxBytes; cap /= 2) {
            for (Map<String, Object> e : exceptions) {
                if (e.get("value") instanceof String v) {
                    e.put("value", PayloadTruncation.truncate(v, (int) cap));
                }
            }
            bytes = EventJson.utf8Length(props);
        }

        int mostFrames = 0;
        for (Map<String, Object> e : exceptions) {
            mostFrames = Math.max(mostFrames, framesOf(e).size());
        }
        for (int cap = mostFrames / 2; cap >= MIN_FRAMES && bytes > maxBytes; cap /= 2) {
            for (Map<String, Object> e : exceptions) {
                keepFrames(e, cap);
            }
            bytes = EventJson.utf8Length(props);
        }

        while (exceptions.size() > 1 && bytes > maxBytes) {
            exceptions.removeLast();
            bytes = EventJson.utf8Length(props);
        }
        return bytes;
    }

    private static List<?> framesOf(Map<String, Object> exception) {
        if (exception.get("stacktrace") instanceof Map<?, ?> st && st.get("frames") instanceof List<?> frames) {
            return frames;
        }
        return List.of();
    }

    /** Keeps {@code cap} frames: a fifth from the entry end, the rest from the crash end (frames are entry first). */
    @SuppressWarnings("unchecked")
    private static void keepFrames(Map<String, Object> exception, int cap) {
        List<?> frames = framesOf(exception);
        if (frames.size() <= cap) {
            return;
        }
        int entry = cap / 5;
        List<Object> kept = new ArrayList<>(cap);
        kept.addAll(frames.subList(0, entry));
        kept.addAll(frames.subList(frames.size() - (cap - entry), frames.size()));
        ((Map<String, Object>) exception.get("stacktrace")).put("frames", kept);
    }

    // --- 3. anything else

    private static long shrinkOtherStrings(Map<String, Object> props, long maxBytes) {
        long bytes = EventJson.utf8Length(props);
        long longest = 0;
        for (Object value : props.values()) {
            longest = Math.max(longest, longestString(value));
        }
        for (long cap = longest / 2; cap >= MIN_OTHER_CHARS && bytes > maxBytes; cap /= 2) {
            for (Map.Entry<String, Object> e : props.entrySet()) {
                e.setValue(cutStrings(e.getValue(), (int) cap));
            }
            bytes = EventJson.utf8Length(props);
        }
        return bytes;
    }

    private static long longestString(Object value) {
        return switch (value) {
            case String s -> PayloadTruncation.originalLength(s);
            case Map<?, ?> map -> map.values().stream().mapToLong(EventShrinker::longestString).max().orElse(0);
            case List<?> list -> list.stream().mapToLong(EventShrinker::longestString).max().orElse(0);
            case null, default -> 0;
        };
    }

    private static Object cutStrings(Object value, int cap) {
        return switch (value) {
            case String s -> PayloadTruncation.truncate(s, cap);
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(String.valueOf(k), cutStrings(v, cap)));
                yield copy;
            }
            case List<?> list -> {
                List<Object> copy = new ArrayList<>(list.size());
                list.forEach(item -> copy.add(cutStrings(item, cap)));
                yield copy;
            }
            case null, default -> value;
        };
    }

    /** A mutable copy of maps and lists (arrays and other collections become lists), so cuts never touch the caller's. */
    private static Map<String, Object> deepCopy(Map<String, Object> props) {
        Map<String, Object> copy = new LinkedHashMap<>();
        props.forEach((k, v) -> copy.put(k, copyValue(v)));
        return copy;
    }

    private static Object copyValue(Object value) {
        return switch (value) {
            case Map<?, ?> map -> {
                Map<String, Object> copy = new LinkedHashMap<>();
                map.forEach((k, v) -> copy.put(String.valueOf(k), copyValue(v)));
                yield copy;
            }
            case java.util.Collection<?> items -> {
                List<Object> copy = new ArrayList<>(items.size());
                items.forEach(item -> copy.add(copyValue(item)));
                yield copy;
            }
            case Object[] array -> {
                List<Object> copy = new ArrayList<>(array.length);
                for (Object item : array) {
                    copy.add(copyValue(item));
                }
                yield copy;
            }
            case null, default -> value;
        };
    }
}
