package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExceptionPropertiesTest {

    /** A stack as Java reports it: crash site first, entry point ({@code Thread.run}) last. */
    private static final StackTraceElement[] STACK = {
            new StackTraceElement("io.agnes.sources.Rebuilder", "rebuildSource", "Rebuilder.java", 88),
            new StackTraceElement("io.agnes.sources.Rebuilder", "lambda$rebuild$0", "Rebuilder.java", 51),
            new StackTraceElement("io.agnes.sources.Rebuilder$Proxy$_$$_WeldSubclass", "rebuild", null, -1),
            new StackTraceElement("org.jboss.weld.bean.proxy.CombinedInterceptorAndDecoratorStackMethodHandler",
                    "invoke", "CombinedInterceptorAndDecoratorStackMethodHandler.java", 79),
            new StackTraceElement("java.lang.Thread", "run", "Thread.java", 1583),
    };

    private static <T extends Throwable> T withStack(T t, StackTraceElement... stack) {
        t.setStackTrace(stack);
        return t;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> props) {
        return (List<Map<String, Object>>) props.get("$exception_list");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> frames(Map<String, Object> exception) {
        return (List<Map<String, Object>>) ((Map<String, Object>) exception.get("stacktrace")).get("frames");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mechanism(Map<String, Object> exception) {
        return (Map<String, Object>) exception.get("mechanism");
    }

    @Test
    void anExceptionIsDescribedCompletelyWithoutTheSdksOwnExceptionCapture() {
        // original: the fallback path when the SDK lacks native exception capture -- here the only path
        Map<String, Object> props = ExceptionProperties.of(withStack(new IllegalStateException("table missing"), STACK), false);

        Map<String, Object> first = list(props).getFirst();
        assertThat(first).containsEntry("type", "IllegalStateException").containsEntry("value", "table missing")
                .containsEntry("module", "java.lang");
        assertThat(mechanism(first)).containsEntry("handled", false).containsEntry("synthetic", false)
                .containsEntry("type", "generic");
        assertThat(((Map<?, ?>) first.get("stacktrace")).get("type")).isEqualTo("raw");
        assertThat(props).containsEntry("$exception_level", "error").doesNotContainKey("$ai_trace_id");
    }

    @Test
    void framesComeEntryPointFirstAndCrashSiteLast() {
        List<Map<String, Object>> frames = frames(list(ExceptionProperties.of(withStack(new RuntimeException("x"), STACK), false)).getFirst());

        assertThat(frames).extracting(f -> f.get("module") + "." + f.get("function")).containsExactly(
                "java.lang.Thread.run",
                "org.jboss.weld.bean.proxy.CombinedInterceptorAndDecoratorStackMethodHandler.invoke",
                "io.agnes.sources.Rebuilder$Proxy$_$$_WeldSubclass.rebuild",
                "io.agnes.sources.Rebuilder.lambda$rebuild$0",
                "io.agnes.sources.Rebuilder.rebuildSource");
        assertThat(frames.getLast()).containsEntry("platform", "java").containsEntry("filename", "Rebuilder.java")
                .containsEntry("lineno", 88);
        assertThat(frames.get(2)).doesNotContainKeys("filename", "lineno");
    }

    @Test
    void onlyAgnesOwnCodeIsInAppNotTheLibrariesNorTheContainersProxiesOfAgnesBeans() {
        List<Map<String, Object>> frames = frames(list(ExceptionProperties.of(withStack(new RuntimeException("x"), STACK), false)).getFirst());

        assertThat(frames).extracting(f -> f.get("in_app")).containsExactly(false, false, false, true, true);
        assertThat(frames.get(2)).containsEntry("method_synthetic", true);
        assertThat(frames.get(3)).containsEntry("method_synthetic", true);
        assertThat(frames.get(4)).doesNotContainKey("method_synthetic");
    }

    @Test
    void causesFollowTheOutermostExceptionRootCauseLast() {
        var root = withStack(new java.io.IOException("disk full"), STACK);
        var middle = withStack(new IllegalStateException("extract failed", root), STACK);
        var outer = withStack(new RuntimeException("rebuild failed", middle), STACK);

        List<Map<String, Object>> list = list(ExceptionProperties.of(outer, true));

        assertThat(list).extracting(e -> e.get("type")).containsExactly("RuntimeException", "IllegalStateException", "IOException");
        assertThat(list).extracting(e -> e.get("module")).containsExactly("java.lang", "java.lang", "java.io");
        assertThat(mechanism(list.get(0))).containsEntry("type", "generic").containsEntry("exception_id", 0)
                .doesNotContainKeys("parent_id", "source");
        assertThat(mechanism(list.get(1))).containsEntry("type", "chained").containsEntry("source", "cause")
                .containsEntry("exception_id", 1).containsEntry("parent_id", 0);
        assertThat(mechanism(list.get(2))).containsEntry("parent_id", 1).containsEntry("handled", true);
    }

    @Test
    void aCauseCycleEnds() {
        var a = new CyclicException("a");
        var b = new CyclicException("b");
        a.cause = b;
        b.cause = a;

        assertThat(list(ExceptionProperties.of(a, false))).extracting(e -> e.get("value")).containsExactly("a", "b");
    }

    @Test
    void suppressedExceptionsFollowTheChainPointingAtTheirHolder() {
        var root = new java.io.IOException("read failed");
        var outer = new RuntimeException("query failed", root);
        outer.addSuppressed(new IllegalStateException("close failed"));
        root.addSuppressed(new java.io.UncheckedIOException("cleanup failed", new java.io.IOException("inner")));

        List<Map<String, Object>> list = list(ExceptionProperties.of(outer, false));

        assertThat(list).extracting(e -> e.get("value"))
                .containsExactly("query failed", "read failed", "close failed", "cleanup failed");
        assertThat(mechanism(list.get(2))).containsEntry("type", "chained").containsEntry("source", "suppressed")
                .containsEntry("parent_id", 0);
        assertThat(mechanism(list.get(3))).containsEntry("source", "suppressed").containsEntry("parent_id", 1);
    }

    @Test
    void atMostTenExceptionsAreListedTheChainFirst() {
        Throwable chain = new RuntimeException("root");
        for (int i = 0; i < 30; i++) {
            chain = new RuntimeException("level " + i, chain);
        }
        chain.addSuppressed(new IllegalStateException("suppressed"));

        List<Map<String, Object>> list = list(ExceptionProperties.of(chain, false));

        assertThat(list).hasSize(ExceptionProperties.MAX_EXCEPTIONS);
        assertThat(list.getFirst()).containsEntry("value", "level 29");
        assertThat(list).extracting(e -> e.get("value")).doesNotContain("suppressed");
    }

    @Test
    void aDeepStackKeepsTheCrashSiteEndAndTheEntryEnd() {
        StackTraceElement[] deep = IntStream.range(0, 500)
                .mapToObj(i -> new StackTraceElement("io.agnes.deep.C" + i, "m" + i, "C.java", i + 1))
                .toArray(StackTraceElement[]::new);

        List<Map<String, Object>> frames = frames(list(ExceptionProperties.of(withStack(new StackOverflowError(), deep), false)).getFirst());

        assertThat(frames).hasSize(ExceptionProperties.MAX_FRAMES);
        assertThat(frames.getFirst()).containsEntry("function", "m499"); // the entry point
        assertThat(frames.get(ExceptionProperties.ENTRY_FRAMES_KEPT - 1)).containsEntry("function", "m480");
        assertThat(frames.get(ExceptionProperties.ENTRY_FRAMES_KEPT)).containsEntry("function", "m79");
        assertThat(frames.getLast()).containsEntry("function", "m0"); // the crash site
    }

    @Test
    void aLongMessageIsCutWithTheMarkerAndAMissingOneIsEmpty() {
        List<Map<String, Object>> list = list(ExceptionProperties.of(
                new RuntimeException("m".repeat(20_000), new NullPointerException()), false));

        assertThat((String) list.get(0).get("value")).startsWith("m".repeat(ExceptionProperties.MAX_VALUE_CHARS))
                .endsWith("\u2026[truncated " + (20_000 - ExceptionProperties.MAX_VALUE_CHARS) + " chars]");
        assertThat(list.get(1)).containsEntry("value", "");
    }

    @Test
    void nestedAndAnonymousClassesKeepANonEmptyTypeName() {
        Throwable anonymous = new RuntimeException("anon") {
        };

        List<Map<String, Object>> list = list(ExceptionProperties.of(new Outer.Nested(anonymous), false));

        assertThat(list.get(0)).containsEntry("type", "ExceptionPropertiesTest$Outer$Nested")
                .containsEntry("module", "io.agnes.observability");
        assertThat((String) list.get(1).get("type")).startsWith("ExceptionPropertiesTest$").isNotBlank();
    }

    @Test
    void levelIsErrorByDefaultAndFatalOnRequest() {
        assertThat(ExceptionProperties.of(new RuntimeException(), false)).containsEntry("$exception_level", "error");
        assertThat(ExceptionProperties.of(new RuntimeException(), false, ExceptionProperties.Level.FATAL, null))
                .containsEntry("$exception_level", "fatal");
        assertThat(ExceptionProperties.of(new RuntimeException(), false, null, null)).containsEntry("$exception_level", "error");
    }

    @Test
    void anExceptionRaisedDuringAnLlmCallCarriesItsTraceId() {
        assertThat(ExceptionProperties.of(new RuntimeException(), false, ExceptionProperties.Level.ERROR, "trace-42"))
                .containsEntry("$ai_trace_id", "trace-42");
    }

    @Test
    void aThrowableWhoseGettersThrowIsStillDescribed() {
        Throwable hostile = new RuntimeException() {
            @Override
            public String getMessage() {
                throw new IllegalStateException("no message for you");
            }

            @Override
            public synchronized Throwable getCause() {
                throw new IllegalStateException("no cause either");
            }
        };

        assertThat(list(ExceptionProperties.of(hostile, false))).singleElement().satisfies(e -> assertThat(e).containsEntry("value", ""));
    }

    @Test
    void theResultIsValidJson() {
        var props = ExceptionProperties.of(withStack(new RuntimeException("quote \" and \n newline", new Error("e")), STACK), false);

        assertThat(jakarta.json.Json.createReader(new java.io.StringReader(EventJson.write(props))).readObject()
                .getJsonArray("$exception_list")).hasSize(2);
    }

    /** An exception whose cause can form a cycle (Throwable.initCause refuses one). */
    private static final class CyclicException extends RuntimeException {
        Throwable cause;

        CyclicException(String message) {
            super(message);
        }

        @Override
        public synchronized Throwable getCause() {
            return cause;
        }
    }

    private static final class Outer {
        private static final class Nested extends RuntimeException {
            Nested(Throwable cause) {
                super("nested", cause);
            }
        }
    }

    @Test
    void generatedClassesAreRecognisedTheSameWhenRememberedAndAfterTheMemoryIsFull() {
        List<String> generated = List.of("io.agnes.query.QueryResource$Proxy$_$$_WeldClientProxy",
                "io.agnes.llm.LlmClient$Proxy$_$$_WeldSubclass", "io.agnes.X$$Lambda/0x1234", "jdk.proxy3.$Proxy42",
                "jdk.internal.reflect.DirectMethodHandleAccessor", "com.sun.proxy.$Proxy7");
        List<String> plain = List.of("io.agnes.query.QueryResource", "org.glassfish.jersey.server.ServerRuntime$1",
                "java.lang.Thread");
        for (int pass = 0; pass < 2; pass++) {
            generated.forEach(name -> assertThat(ExceptionProperties.isGeneratedClass(name)).as(name).isTrue());
            plain.forEach(name -> assertThat(ExceptionProperties.isGeneratedClass(name)).as(name).isFalse());
        }
        IntStream.range(0, ExceptionProperties.GENERATED_CLASSES_MAX + 10).forEach(i -> ExceptionProperties.isGeneratedClass("a.B" + i));
        generated.forEach(name -> assertThat(ExceptionProperties.isGeneratedClass(name)).as(name).isTrue());
        plain.forEach(name -> assertThat(ExceptionProperties.isGeneratedClass(name)).as(name).isFalse());
    }
}
