package dev.edgetwin.runtime.mqtt.outbox;

import java.util.Map;

/**
 * A snapshot of the outbox's counters, for health publishing. Counts are since the outbox was
 * opened; backlog and disk figures are the current state (including what a restart replays).
 *
 * @param appended messages stored
 * @param acknowledged records acknowledged (each counted once)
 * @param dropped per priority class, messages lost to the disk bound: stored records dropped
 *     unacknowledged with their segment, plus messages refused on arrival because only higher
 *     classes held the space ({@link DurableOutbox#DROPPED})
 * @param corruptSkipped records (or runs of bytes) that failed their CRC and were skipped, when the
 *     outbox opened or when a record was read
 * @param tornTailsTruncated segment or acknowledgement-log tails cut off when the outbox opened (a
 *     record the process was writing when it died)
 * @param backlogRecords records stored and not acknowledged (in flight or not yet sent)
 * @param backlogBytes their size on disk, framing included
 * @param diskBytes the segment files' total size, the figure bounded by {@code maxBytes}
 */
public record OutboxCounters(
        long appended,
        long acknowledged,
        Map<Priority, Long> dropped,
        long corruptSkipped,
        long tornTailsTruncated,
        long backlogRecords,
        long backlogBytes,
        long diskBytes) {

    public OutboxCounters {
        dropped = Map.copyOf(dropped);
    }

    /** Records of {@code priority} dropped to keep the disk bound. */
    public long dropped(Priority priority) {
        return dropped.getOrDefault(priority, 0L);
    }
}
