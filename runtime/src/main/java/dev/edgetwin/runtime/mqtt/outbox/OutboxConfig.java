package dev.edgetwin.runtime.mqtt.outbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link DurableOutbox} stores its messages, validated when built: a bad value is named with
 * the field it was given for.
 *
 * @param directory where the segment files, the acknowledgement log and the lock file live; created
 *     if missing; one outbox owns it at a time
 * @param maxBytes the bound on the segment files' total size; when an append would pass it, the
 *     oldest segment of the lowest priority class is dropped (and counted) to make room
 * @param segmentBytes a segment file rolls when the next record would make it larger than this;
 *     also the largest record (frame included) the outbox accepts. At most {@code maxBytes}
 * @param fsync when files are forced to the device
 */
public record OutboxConfig(Path directory, long maxBytes, int segmentBytes, FsyncPolicy fsync) {

    /** Smallest segment: room for a header and a small record. */
    public static final int MIN_SEGMENT_BYTES = 1024;

    /** Largest segment (a segment is read whole into memory when the outbox opens). */
    public static final int MAX_SEGMENT_BYTES = 256 * 1024 * 1024;

    public OutboxConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(fsync, "fsync");
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
            throw new IllegalArgumentException(
                    "segmentBytes must be in ["
                            + MIN_SEGMENT_BYTES
                            + ", "
                            + MAX_SEGMENT_BYTES
                            + "], got "
                            + segmentBytes);
        }
        if (maxBytes < segmentBytes) {
            throw new IllegalArgumentException(
                    "maxBytes must be at least segmentBytes ("
                            + segmentBytes
                            + "), got "
                            + maxBytes);
        }
    }

    /** 64 MiB in 4 MiB segments, forced at most every 100 ms. */
    public static OutboxConfig defaults(Path directory) {
        return new OutboxConfig(
                directory, 64L << 20, 4 << 20, FsyncPolicy.every(Duration.ofMillis(100)));
    }

    /** The largest message frame accepted: a segment less its header. */
    public int maxRecordBytes() {
        return segmentBytes - RecordFormat.SEGMENT_HEADER_BYTES;
    }
}
