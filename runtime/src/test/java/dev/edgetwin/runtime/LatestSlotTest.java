package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatestSlotTest {

    @Test
    void theConsumerGetsTheNewestValueAndReplacedOnesAreCounted() throws InterruptedException {
        LatestSlot<String> slot = new LatestSlot<>();
        slot.put("a");
        slot.put("b");
        slot.put("c");
        assertEquals("c", slot.poll(0, TimeUnit.MILLISECONDS));
        assertEquals(2, slot.dropped());
        assertNull(slot.poll(0, TimeUnit.MILLISECONDS), "a taken value is gone");
        slot.put("d");
        assertEquals("d", slot.poll(0, TimeUnit.MILLISECONDS));
        assertEquals(2, slot.dropped(), "a value taken in time is not a drop");
    }

    @Test
    void aWaitingConsumerIsWokenByTheProducer() throws Exception {
        LatestSlot<Integer> slot = new LatestSlot<>();
        Thread producer = new Thread(() -> slot.put(42));
        producer.start();
        assertEquals(42, slot.poll(30, TimeUnit.SECONDS));
        producer.join();
    }
}
