package io.agnes.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.agnes.observability.EventPacker.PackedEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventQueueTest {

    private static Event event(int n) {
        return Event.of("test_event", "user-" + n, Map.of("n", n));
    }

    private static PackedEvent packedForm(Event event) {
        byte[] name = event.distinctId().getBytes();
        return new PackedEvent(name, name.length);
    }

    @Test
    void packedEventsKeepTheirPlaceCountAgainstTheBoundAndLeaveFirst() throws InterruptedException {
        EventQueue queue = new EventQueue(3, 10);
        Event first = event(1);
        Event second = event(2);
        queue.offer(first);
        queue.offer(second);

        assertThat(queue.oldestUnpacked()).isSameAs(first);
        queue.packed(first, packedForm(first));
        assertThat(queue.oldestUnpacked()).isSameAs(second);
        queue.offer(event(3));
        assertThat(queue.offer(event(4))).as("a packed event still takes its place in the bound").isEqualTo(EventQueue.Offer.FULL);
        assertThat(queue.backlog()).isEqualTo(new EventQueue.Backlog(3, 1, "user-1".length()));

        queue.requestFlush();
        EventQueue.Batch batch = queue.nextBatch(0, 0);
        assertThat(batch.packed()).extracting(p -> new String(p.compressed())).containsExactly("user-1");
        assertThat(batch.events()).extracting(Event::distinctId).containsExactly("user-2", "user-3");
        assertThat(queue.backlog()).as("in flight until done").isEqualTo(new EventQueue.Backlog(3, 0, 0));
        queue.done(3);
        assertThat(queue.awaitIdle(0)).isTrue();
    }

    @Test
    void anEventDroppedWhilePackedLeavesTheQueueAndAnEmptiedQueueIsIdle() throws InterruptedException {
        EventQueue queue = new EventQueue(3, 10);
        Event only = event(1);
        queue.offer(only);

        queue.packed(only, null);

        assertThat(queue.backlog()).isEqualTo(EventQueue.Backlog.NONE);
        assertThat(queue.awaitIdle(0)).isTrue();
        assertThat(queue.oldestUnpacked()).isNull();
    }

    @Test
    void closeCountsAndRemovesPackedEventsTooAndAPackAfterItIsIgnored() {
        EventQueue queue = new EventQueue(3, 10);
        Event first = event(1);
        Event second = event(2);
        queue.offer(first);
        queue.offer(second);
        queue.packed(first, packedForm(first));

        assertThat(queue.close()).isEqualTo(2);
        queue.packed(second, packedForm(second));

        assertThat(queue.backlog()).isEqualTo(EventQueue.Backlog.NONE);
    }
}
