package dev.edgetwin.runtime.twin;

/**
 * What every published twin message carries so that subscribers can detect gaps and drop duplicates
 * (docs/twin-protocol.md, "Delivery").
 *
 * @param epoch the publisher's session epoch when the message was created: persisted, taken anew
 *     when the publisher starts and at every successful reconnect; at least 1
 * @param msgSeq the durable outbox's sequence number of the message: unique and increasing for the
 *     life of the outbox directory, across every topic of the robot; at least 1
 * @param prevMsgSeq the {@code msgSeq} of the previous message this publisher created on the same
 *     topic, 0 if it created none since it started; a subscriber that last saw another number on
 *     that topic missed messages
 */
public record MessageStamp(long epoch, long msgSeq, long prevMsgSeq) {
    public MessageStamp {
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be at least 1, got " + epoch);
        }
        if (msgSeq < 1) {
            throw new IllegalArgumentException("msgSeq must be at least 1, got " + msgSeq);
        }
        if (prevMsgSeq < 0 || prevMsgSeq >= msgSeq) {
            throw new IllegalArgumentException(
                    "prevMsgSeq must be in [0, msgSeq " + msgSeq + "), got " + prevMsgSeq);
        }
    }
}
