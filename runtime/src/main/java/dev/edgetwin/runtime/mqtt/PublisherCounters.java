package dev.edgetwin.runtime.mqtt;

import dev.edgetwin.runtime.mqtt.outbox.OutboxCounters;

/**
 * A snapshot of the publisher's counters for health: since the publisher started, except the
 * outbox's backlog figures (current).
 *
 * @param epoch the current session epoch
 * @param connects successful connections
 * @param acknowledged messages the broker acknowledged (each outbox record once)
 * @param coalesced states replaced by a newer one before they were given a sequence number (rate
 *     limit, or a state still waiting in the outbox)
 * @param eventsRefused events refused because the hand-off queue to the publisher thread was full
 * @param failed messages Paho refused to send (they stay in the outbox and are sent again)
 * @param outbox the durable outbox's counters: backlog, dropped per priority class, ...
 */
public record PublisherCounters(
        long epoch,
        long connects,
        long acknowledged,
        long coalesced,
        long eventsRefused,
        long failed,
        OutboxCounters outbox) {}
