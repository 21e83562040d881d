package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameMapTest {

    private final FrameMap frame = new FrameMap(new Object[] {"platform", "java", "module", "io.agnes.X", "lineno", 42,
            "in_app", true, null, null}, 8);

    @Test
    void keepsInsertionOrderAndIsWrittenAsTheSameJsonAsALinkedHashMap() {
        Map<String, Object> same = new LinkedHashMap<>();
        same.put("platform", "java");
        same.put("module", "io.agnes.X");
        same.put("lineno", 42);
        same.put("in_app", true);

        assertThat(frame).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(frame.keySet()).containsExactly("platform", "module", "lineno", "in_app");
        assertThat(EventJson.write(frame)).isEqualTo(EventJson.write(same))
                .isEqualTo("{\"platform\":\"java\",\"module\":\"io.agnes.X\",\"lineno\":42,\"in_app\":true}");
        assertThat(frame.get("lineno")).isEqualTo(42);
        assertThat(frame.get("filename")).isNull();
        assertThat(frame.containsKey("in_app")).isTrue();
    }

    @Test
    void cannotBeChanged() {
        assertThatThrownBy(() -> frame.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> frame.entrySet().iterator().next().setValue(1)).isInstanceOf(UnsupportedOperationException.class);
    }
}
