package dev.edgetwin.runtime.twin;

import dev.edgetwin.runtime.bundle.ModelTransition;

/**
 * Where the daemon sends the twin, whatever the codec: {@code mqtt.TwinPublisher} (JSON, the topics
 * of docs/twin-protocol.md, through the durable outbox) or {@code sparkplug.SparkplugPublisher}
 * (Sparkplug B).
 *
 * <p>Threads: {@link #offer}, {@link #offerEvent} and the counters from any thread, never blocking;
 * {@link #close()} once from the owner (a second call does nothing).
 */
public interface TwinSink extends AutoCloseable {

    /** Hands the newest state over; an older one not yet sent may be replaced (latest wins). */
    void offer(TwinState state);

    /** Hands an event over; each is sent or counted as dropped, never coalesced. */
    void offerEvent(TwinEvent event);

    /**
     * Hands a model lifecycle transition over; each is sent or counted as dropped, like an event.
     */
    void offerModelTransition(ModelTransition transition);

    /** Messages sent (JSON: acknowledged by the broker; Sparkplug: handed to the client). */
    long published();

    /** The delivery figures the twin's health carries. */
    Delivery delivery();

    /** Stops publishing and says goodbye to the broker. */
    @Override
    void close();

    /**
     * Delivery figures for health.
     *
     * @param backlog messages stored and not yet acknowledged
     * @param dropped messages dropped since the sink started
     */
    record Delivery(long backlog, long dropped) {}
}
