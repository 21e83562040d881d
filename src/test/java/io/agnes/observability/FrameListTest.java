package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FrameListTest {

    @Test
    void readsBackEveryFrameAsTheMapPostHogGetsInTheOrderItWasBuilt() {
        FrameList frames = new FrameList(3);
        frames.append("java.lang.Thread", "run", "Thread.java", 1583, false, false);
        frames.append("io.agnes.X$$Proxy", "lambda$call$0", null, -1, false, true);
        frames.append("io.agnes.X", "call", "X.java", 0, true, false);

        assertThat(frames).hasSize(3).containsExactly(
                new FrameMap("java.lang.Thread", "run", "Thread.java", 1583, false, false),
                new FrameMap("io.agnes.X$$Proxy", "lambda$call$0", null, -1, false, true),
                new FrameMap("io.agnes.X", "call", "X.java", 0, true, false));
        assertThat(frames.get(1)).doesNotContainKeys("filename", "lineno").containsEntry("method_synthetic", true)
                .containsEntry("in_app", false);
        assertThat(frames.get(2)).containsEntry("lineno", 0).containsEntry("in_app", true)
                .doesNotContainKey("method_synthetic");
        // the batch is written from it as from any list of maps
        assertThat(EventJson.write(Map.of("frames", frames))).isEqualTo(EventJson.write(Map.of("frames", List.copyOf(frames))));
        // the shrinker keeps parts of it
        assertThat(frames.subList(1, 3)).containsExactly(frames.get(1), frames.get(2));
    }

    @Test
    void cannotBeChangedFromOutsideNorReadPastItsEnd() {
        FrameList frames = new FrameList(2);
        frames.append("io.agnes.X", "call", "X.java", 7, true, false);

        assertThat(frames).hasSize(1); // capacity is not size
        assertThatThrownBy(() -> frames.get(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> frames.add(Map.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> frames.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    }
}
