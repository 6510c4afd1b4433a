package dev.edgetwin.runtime.mqtt.outbox;

import java.time.Duration;
import java.util.Objects;

/**
 * When the outbox forces its files to the device ({@link java.nio.channels.FileChannel#force}).
 * Whatever the policy, a record is in the operating system's page cache when {@code append}
 * returns, so a crash of the process alone loses nothing; the policy decides what a power loss or
 * kernel crash may lose.
 *
 * @param mode every record, at most every {@code interval}, or never (the OS decides)
 * @param interval for {@link Mode#INTERVAL}: the longest time written data stays unforced while the
 *     outbox is being used (checked on append, acknowledge and {@link DurableOutbox#syncIfDue()});
 *     {@link Duration#ZERO} for the other modes
 */
public record FsyncPolicy(Mode mode, Duration interval) {

    /** The three policies. */
    public enum Mode {
        /** Force after every append and every acknowledgement: slowest, loses nothing. */
        EVERY_RECORD,
        /** Force when {@code interval} has passed since the last force. */
        INTERVAL,
        /** Never force (except on close). */
        NEVER
    }

    public FsyncPolicy {
        Objects.requireNonNull(mode, "fsync mode");
        Objects.requireNonNull(interval, "fsync interval");
        if (mode == Mode.INTERVAL) {
            if (interval.isNegative()
                    || interval.isZero()
                    || interval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException(
                        "fsync interval must be in (0, 1 h], got " + interval);
            }
        } else if (!interval.isZero()) {
            throw new IllegalArgumentException(
                    "fsync interval is only for mode INTERVAL; mode " + mode + " got " + interval);
        }
    }

    public static FsyncPolicy everyRecord() {
        return new FsyncPolicy(Mode.EVERY_RECORD, Duration.ZERO);
    }

    public static FsyncPolicy every(Duration interval) {
        return new FsyncPolicy(Mode.INTERVAL, interval);
    }

    public static FsyncPolicy never() {
        return new FsyncPolicy(Mode.NEVER, Duration.ZERO);
    }
}
