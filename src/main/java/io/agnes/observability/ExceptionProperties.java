package io.agnes.observability;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The properties of a {@code $exception} event in PostHog's current error-tracking schema.
 *
 * <p>{@code $exception_list} holds the caught (outermost) exception first, then each cause, the root cause last
 * of the chain; then the suppressed exceptions of each of those, in chain order (one level, as PostHog's own
 * Java SDK does). Causes have mechanism type {@code chained} with source {@code cause}; suppressed ones type
 * {@code chained} with source {@code suppressed} (PostHog's mechanism types know no "suppressed"); every item
 * carries {@code exception_id} (its index) and the {@code parent_id} of the item it hangs off. The walk is
 * identity-based and stops at a throwable already listed, so cause cycles end.
 *
 * <p>Each item: {@code type} (the class name without its package: {@code LlmException$TimedOut} for a nested
 * class, never empty for an anonymous one), {@code value} (the message, {@code ""} when there is none, cut at
 * {@value #MAX_VALUE_CHARS} characters with the truncation marker), {@code module} (the package),
 * {@code mechanism} and {@code stacktrace {type: raw, frames}}. Frames are in PostHog's canonical order, the
 * reverse of {@link Throwable#getStackTrace()}: entry point first, crash site last. Frame fields:
 * {@code platform: java}, {@code module} (class), {@code function}, {@code filename}, {@code lineno} (when
 * known), {@code in_app} (true only for Agnes' own classes, {@value #IN_APP_PREFIX}…, not the container's
 * proxies of them) and {@code method_synthetic: true} for lambdas and generated proxies.
 *
 * <p>Caps: at most {@value #MAX_EXCEPTIONS} exceptions (the chain first, suppressed ones fill what is left),
 * at most {@value #MAX_FRAMES} frames per exception: the {@value #ENTRY_FRAMES_KEPT} frames nearest the entry
 * point (which tell HTTP request, timer or CLI apart) and the rest from the crash site, where the bug is.
 *
 * <p>No {@code $exception_fingerprint} is set: PostHog groups by exception types and in-app frames, which
 * the canonical frame order and the honest {@code in_app} flags make stable, and a custom fingerprint would
 * replace that grouping rather than refine it.
 *
 * <p>Building never throws, whatever the throwable's overridden getters do.
 */
public final class ExceptionProperties {

    /** {@code $exception_level}. */
    public enum Level {
        FATAL, ERROR, WARNING, INFO, DEBUG;

        String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final int MAX_EXCEPTIONS = 10;
    public static final int MAX_FRAMES = 100;
    static final int ENTRY_FRAMES_KEPT = 20;
    public static final int MAX_VALUE_CHARS = 8_192;
    static final String IN_APP_PREFIX = "io.agnes.";

    /** Generated code: lambdas, CDI (Weld) proxies and subclasses, CGLIB, reflection accessors, JDK proxies. */
    private static final Pattern SYNTHETIC_CLASS = Pattern.compile(
            "\\$\\$Lambda|\\$Proxy\\$_\\$\\$_Weld|WeldClientProxy|WeldSubclass|\\$\\$EnhancerBy|\\$\\$FastClassBy"
                    + "|\\$\\$SpringCGLIB|^jdk\\.internal\\.reflect\\.(?:Generated|DirectMethodHandle)|^sun\\.reflect\\.Generated"
                    + "|^com\\.sun\\.proxy\\.|^jdk\\.proxy\\d+\\.|(?:^|[.$])\\$Proxy\\d+$");
    private static final Pattern SYNTHETIC_METHOD = Pattern.compile("^lambda\\$|\\$lambda\\$|^access\\$\\d+$");
    /**
     * {@link #SYNTHETIC_CLASS} per class name: the regex on every frame (100 per exception) made a captured 500 cost
     * a third of its throughput under load (docs/performance.md), and a stack holds few distinct classes. Bounded:
     * cleared when full.
     */
    private static final Map<String, Boolean> GENERATED_CLASSES = new ConcurrentHashMap<>();
    static final int GENERATED_CLASSES_MAX = 4096;

    private ExceptionProperties() {
    }

    /** An {@code error}-level {@code $exception} not linked to an LLM trace. */
    public static Map<String, Object> of(Throwable error, boolean handled) {
        return of(error, handled, Level.ERROR, null);
    }

    /**
     * The {@code $exception} properties of {@code error}.
     *
     * @param error      what was thrown
     * @param handled    {@code false} when nobody handled it (a 500, a failed job, a crashed CLI);
     *                   {@code true} when code caught it and carried on
     * @param level      {@code $exception_level}; {@code null} means {@link Level#ERROR}
     * @param aiTraceId  the {@code $ai_trace_id} of the LLM call during which it was raised, or {@code null}
     */
    public static Map<String, Object> of(Throwable error, boolean handled, Level level, String aiTraceId) {
        List<Link> links = collect(error);
        List<Map<String, Object>> list = new ArrayList<>(links.size());
        for (int i = 0; i < links.size(); i++) {
            list.add(item(links.get(i), i, links.size() > 1, handled));
        }
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("$exception_list", list);
        props.put("$exception_level", (level == null ? Level.ERROR : level).wireName());
        String traceId = AiGenerationProperties.sanitiseTraceId(aiTraceId);
        if (traceId != null) {
            props.put("$ai_trace_id", traceId);
        }
        return props;
    }

    /** A throwable in the list, with what ties it to an earlier item. */
    private record Link(Throwable throwable, Integer parentId, String mechanismType, String source) {
    }

    private static List<Link> collect(Throwable error) {
        List<Link> links = new ArrayList<>();
        Set<Throwable> listed = Collections.newSetFromMap(new IdentityHashMap<>());
        Throwable current = error;
        while (current != null && links.size() < MAX_EXCEPTIONS && listed.add(current)) {
            int index = links.size();
            links.add(index == 0 ? new Link(current, null, "generic", null) : new Link(current, index - 1, "chained", "cause"));
            current = causeOf(current);
        }
        int chain = links.size();
        for (int holder = 0; holder < chain && links.size() < MAX_EXCEPTIONS; holder++) {
            for (Throwable suppressed : suppressedOf(links.get(holder).throwable())) {
                if (links.size() >= MAX_EXCEPTIONS) {
                    break;
                }
                if (suppressed != null && listed.add(suppressed)) {
                    links.add(new Link(suppressed, holder, "chained", "suppressed"));
                }
            }
        }
        return links;
    }

    private static Map<String, Object> item(Link link, int index, boolean numbered, boolean handled) {
        Throwable t = link.throwable();
        Class<?> type = t.getClass();
        String packageName = type.getPackageName();
        Map<String, Object> mechanism = new LinkedHashMap<>();
        mechanism.put("handled", handled);
        mechanism.put("synthetic", false);
        mechanism.put("type", link.mechanismType());
        if (link.source() != null) {
            mechanism.put("source", link.source());
        }
        if (numbered) {
            mechanism.put("exception_id", index);
        }
        if (link.parentId() != null) {
            mechanism.put("parent_id", link.parentId());
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("type", packageName.isEmpty() ? type.getName() : type.getName().substring(packageName.length() + 1));
        item.put("value", PayloadTruncation.truncate(messageOf(t), MAX_VALUE_CHARS));
        if (!packageName.isEmpty()) {
            item.put("module", packageName);
        }
        item.put("mechanism", mechanism);
        List<Map<String, Object>> frames = frames(stackOf(t));
        if (!frames.isEmpty()) {
            Map<String, Object> stacktrace = new LinkedHashMap<>();
            stacktrace.put("type", "raw");
            stacktrace.put("frames", frames);
            item.put("stacktrace", stacktrace);
        }
        return item;
    }

    /** {@code trace} (crash site first, as Java gives it) as PostHog frames, entry point first, capped. */
    static List<Map<String, Object>> frames(StackTraceElement[] trace) {
        int n = trace.length;
        FrameList frames = new FrameList(Math.min(n, MAX_FRAMES));
        if (n <= MAX_FRAMES) {
            for (int i = n - 1; i >= 0; i--) {
                addFrame(frames, trace[i]);
            }
            return frames;
        }
        for (int i = n - 1; i >= n - ENTRY_FRAMES_KEPT; i--) {
            addFrame(frames, trace[i]);
        }
        for (int i = MAX_FRAMES - ENTRY_FRAMES_KEPT - 1; i >= 0; i--) {
            addFrame(frames, trace[i]);
        }
        return frames;
    }

    private static void addFrame(FrameList frames, StackTraceElement element) {
        String className = element.getClassName();
        String method = element.getMethodName();
        boolean generatedClass = isGeneratedClass(className);
        String fileName = element.getFileName();
        // a container's proxy of an Agnes bean lives in an io.agnes package but is not Agnes code
        boolean inApp = className.startsWith(IN_APP_PREFIX) && !generatedClass;
        // every synthetic method pattern has a '$': most frames are decided without the regex
        boolean synthetic = generatedClass || method.indexOf('$') >= 0 && SYNTHETIC_METHOD.matcher(method).find();
        frames.append(className, method, fileName == null || fileName.isEmpty() ? null : fileName,
                element.getLineNumber(), inApp, synthetic);
    }

    // Throwable's getters can be overridden; a capture must not fail because one of them does

    private static Throwable causeOf(Throwable t) {
        try {
            return t.getCause();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Throwable[] suppressedOf(Throwable t) {
        try {
            Throwable[] suppressed = t.getSuppressed();
            return suppressed == null ? new Throwable[0] : suppressed;
        } catch (RuntimeException e) {
            return new Throwable[0];
        }
    }

    private static String messageOf(Throwable t) {
        try {
            String message = t.getMessage();
            return message == null ? "" : message;
        } catch (RuntimeException e) {
            return "";
        }
    }

    static boolean isGeneratedClass(String className) {
        Boolean known = GENERATED_CLASSES.get(className);
        if (known != null) {
            return known;
        }
        boolean generated = SYNTHETIC_CLASS.matcher(className).find();
        if (GENERATED_CLASSES.size() >= GENERATED_CLASSES_MAX) {
            GENERATED_CLASSES.clear();
        }
        GENERATED_CLASSES.put(className, generated);
        return generated;
    }

    private static StackTraceElement[] stackOf(Throwable t) {
        try {
            StackTraceElement[] trace = t.getStackTrace();
            return trace == null ? new StackTraceElement[0] : trace;
        } catch (RuntimeException e) {
            return new StackTraceElement[0];
        }
    }
}
