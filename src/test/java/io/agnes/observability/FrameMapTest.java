package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameMapTest {

    private final FrameMap frame = new FrameMap("io.agnes.X", "run", null, 42, true, false);

    @Test
    void keepsInsertionOrderAndIsWrittenAsTheSameJsonAsALinkedHashMap() {
        Map<String, Object> same = new LinkedHashMap<>();
        same.put("platform", "java");
        same.put("module", "io.agnes.X");
        same.put("function", "run");
        same.put("lineno", 42);
        same.put("in_app", true);

        assertThat(frame).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(frame.keySet()).containsExactly("platform", "module", "function", "lineno", "in_app");
        assertThat(EventJson.write(frame)).isEqualTo(EventJson.write(same))
                .isEqualTo("{\"platform\":\"java\",\"module\":\"io.agnes.X\",\"function\":\"run\",\"lineno\":42,"
                        + "\"in_app\":true}");
        assertThat(frame.get("lineno")).isEqualTo(42);
        assertThat(frame.get("filename")).isNull();
        assertThat(frame.containsKey("in_app")).isTrue();
    }

    @Test
    void everyFieldInPostHogsOrderAndTheOptionalOnesOnlyWhenKnown() {
        FrameMap full = new FrameMap("io.agnes.X$$Proxy", "lambda$run$0", "X.java", 0, false, true);
        assertThat(full.keySet()).containsExactly("platform", "module", "function", "filename", "lineno", "in_app",
                "method_synthetic");
        assertThat(full.values()).containsExactly("java", "io.agnes.X$$Proxy", "lambda$run$0", "X.java", 0, false, true);
        assertThat(full).hasSize(7).containsEntry("method_synthetic", true);

        FrameMap bare = new FrameMap("java.lang.Thread", "run", null, -1, false, false);
        assertThat(bare.keySet()).containsExactly("platform", "module", "function", "in_app");
        assertThat(bare).hasSize(4).doesNotContainKeys("filename", "lineno", "method_synthetic");
        assertThat(bare.get("method_synthetic")).isNull();
        assertThat(bare.get("nonsense")).isNull();
        assertThat(bare.entrySet().iterator()).toIterable().hasSize(4);
    }

    @Test
    void cannotBeChanged() {
        assertThatThrownBy(() -> frame.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> frame.entrySet().iterator().next().setValue(1)).isInstanceOf(UnsupportedOperationException.class);
    }
}
