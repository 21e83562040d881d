package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventShrinkerTest {

    private static Map<String, Object> hugeGeneration() {
        AiGeneration call = AiGeneration.builder("anthropic").requestedModel("claude").traceId("trace-1")
                .systemPrompt("s".repeat(400_000))
                .messages(List.of(new AiGeneration.Message("user", "\u00e9".repeat(600_000)),
                        new AiGeneration.Message("assistant", "short answer")))
                .outputText("o".repeat(900_000))
                .build();
        // payload cap 10 million: far beyond what PostHog accepts in one event
        Map<String, Object> props = new LinkedHashMap<>(AiGenerationProperties.of(call, true, 10_000_000));
        props.put("$session_id", "session-1");
        return props;
    }

    @Test
    void limitsArePostHogsOnes() {
        assertThat(EventShrinker.limitFor("$ai_generation")).isEqualTo(983_040);
        assertThat(EventShrinker.limitFor("$exception")).isEqualTo(1_000_000);
    }

    @Test
    void anEventThatFitsIsLeftAlone() {
        Map<String, Object> props = Map.of("path", "/x");

        EventShrinker.Result result = EventShrinker.shrink("$exception", props);

        assertThat(result.properties()).isSameAs(props);
        assertThat(result.fits()).isTrue();
        assertThat(result.shrunk()).isFalse();
    }

    @Test
    void anOversizedLlmEventIsShrunkToFitByCuttingPayloadsWithTheMarker() {
        Map<String, Object> props = hugeGeneration();
        assertThat(EventJson.utf8Length(props)).isGreaterThan(EventShrinker.MAX_AI_EVENT_BYTES);

        EventShrinker.Result result = EventShrinker.shrink(props, EventShrinker.MAX_AI_EVENT_BYTES);

        assertThat(result.fits()).isTrue();
        assertThat(result.shrunk()).isTrue();
        assertThat(result.bytes()).isLessThanOrEqualTo(EventShrinker.MAX_AI_EVENT_BYTES)
                .isEqualTo(EventJson.utf8Length(result.properties()));
        String json = EventJson.write(result.properties());
        assertThat(json).contains("\u2026[truncated ").contains("short answer").contains("\"session-1\"")
                .contains("\"$ai_trace_id\":\"trace-1\"");
        // the marker counts from the original text, not from the previous cut
        @SuppressWarnings("unchecked")
        var input = (List<Map<String, Object>>) result.properties().get("$ai_input");
        assertThat(PayloadTruncation.originalLength((String) input.get(1).get("content"))).isEqualTo(600_000);
        // the caller's event is untouched
        assertThat(EventJson.utf8Length(props)).isGreaterThan(EventShrinker.MAX_AI_EVENT_BYTES);
    }

    @Test
    void theNamedShrinkKeepsRoomForTheRestOfTheEvent() {
        EventShrinker.Result result = EventShrinker.shrink("$ai_generation", hugeGeneration());

        assertThat(result.fits()).isTrue();
        assertThat(result.bytes()).isLessThanOrEqualTo(EventShrinker.MAX_AI_EVENT_BYTES - EventShrinker.ENVELOPE_RESERVE_BYTES);
    }

    @Test
    void aPayloadOfCountlessSmallMessagesBecomesAMarkerRatherThanBeingDroppedSilently() {
        List<AiGeneration.Message> many = IntStream.range(0, 40_000)
                .mapToObj(i -> new AiGeneration.Message("user", "message number " + i)).toList();
        Map<String, Object> props = AiGenerationProperties.of(AiGeneration.builder("anthropic").messages(many).build(), true, 30_000);

        EventShrinker.Result result = EventShrinker.shrink(props, EventShrinker.MAX_AI_EVENT_BYTES);

        assertThat(result.fits()).isTrue();
        assertThat((String) result.properties().get("$ai_input")).matches("\u2026\\[truncated \\d+ chars]");
    }

    @Test
    void anOversizedExceptionLosesMessageLengthThenFramesButKeepsTheOutermostException() {
        List<Map<String, Object>> list = new ArrayList<>();
        for (int e = 0; e < 10; e++) {
            List<Map<String, Object>> frames = new ArrayList<>();
            for (int f = 0; f < 100; f++) {
                frames.add(new LinkedHashMap<>(Map.of("platform", "java", "module", "io.agnes.M" + "x".repeat(2000) + f,
                        "function", "f" + f, "in_app", true)));
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("type", "E" + e);
            item.put("value", "v".repeat(50_000));
            item.put("stacktrace", new LinkedHashMap<>(Map.of("type", "raw", "frames", frames)));
            list.add(item);
        }
        Map<String, Object> props = new LinkedHashMap<>(Map.of("$exception_list", list, "path", "/p"));

        EventShrinker.Result result = EventShrinker.shrink(props, EventShrinker.MAX_EVENT_BYTES);

        assertThat(result.fits()).isTrue();
        @SuppressWarnings("unchecked")
        var shrunk = (List<Map<String, Object>>) result.properties().get("$exception_list");
        assertThat(shrunk.getFirst()).containsEntry("type", "E0");
        assertThat((String) shrunk.getFirst().get("value")).contains("\u2026[truncated ");
        @SuppressWarnings("unchecked")
        var frames = (List<Map<String, Object>>) ((Map<String, Object>) shrunk.getFirst().get("stacktrace")).get("frames");
        assertThat(frames.size()).isLessThan(100);
        assertThat(frames.getLast()).containsEntry("function", "f99"); // the crash site survives
        assertThat(frames.getFirst()).containsEntry("function", "f0"); // and the entry point
        assertThat(result.properties()).containsEntry("path", "/p");
    }

    @Test
    void anyOtherHugeStringIsCutButShortOnesAreNot() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("$session_id", "s".repeat(1000));
        props.put("argv", "a".repeat(3_000_000));

        EventShrinker.Result result = EventShrinker.shrink(props, EventShrinker.MAX_EVENT_BYTES);

        assertThat(result.fits()).isTrue();
        assertThat(result.properties()).containsEntry("$session_id", "s".repeat(1000));
        assertThat((String) result.properties().get("argv")).endsWith(" chars]");
    }

    @Test
    void whatCannotBeMadeToFitIsReportedAsNotFitting() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("ids", IntStream.range(0, 200_000).boxed().toList());

        EventShrinker.Result result = EventShrinker.shrink(props, 100_000);

        assertThat(result.fits()).isFalse();
        assertThat(result.bytes()).isGreaterThan(100_000);
    }
}
