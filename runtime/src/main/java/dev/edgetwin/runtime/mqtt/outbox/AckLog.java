package dev.edgetwin.runtime.mqtt.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The acknowledgement log ({@code acks.log}): one small frame per acknowledged sequence number, and
 * "assigned through" frames that keep the highest sequence number assigned when the segments that
 * held it are gone. Rewritten whole (atomically) when the outbox opens and when it has grown well
 * past what the live segments need. Guarded by the outbox's lock.
 */
final class AckLog implements AutoCloseable {
    static final String FILE = "acks.log";

    private final Path path;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer frame = ByteBuffer.allocate(RecordFormat.ACK_FRAME_BYTES);
    private FileChannel channel;
    private long size;
    private long records;

    /** One recovered frame. */
    record Entry(long seq, byte type) {}

    /** What {@link #read} found. */
    record Recovered(java.util.List<Entry> entries, int corruptRuns, boolean tornTail) {}

    AckLog(Path dir) {
        this.path = dir.resolve(FILE);
    }

    Path path() {
        return path;
    }

    /** The frames of an existing log (none if there is no file); the file is not changed. */
    Recovered read() throws IOException {
        java.util.List<Entry> entries = new java.util.ArrayList<>();
        if (!Files.exists(path)) {
            return new Recovered(entries, 0, false);
        }
        byte[] a = Files.readAllBytes(path);
        int corrupt = 0;
        if (a.length < RecordFormat.SEGMENT_HEADER_BYTES
                || ByteBuffer.wrap(a).getInt() != RecordFormat.ACK_LOG_MAGIC) {
            corrupt++;
        }
        RecordFormat.Scan scan =
                RecordFormat.scan(
                        a,
                        Math.min(a.length, RecordFormat.SEGMENT_HEADER_BYTES),
                        RecordFormat.SEQ_BYTES + 1,
                        RecordFormat.ACK_FRAME_BYTES,
                        crc,
                        new RecordFormat.FrameSink() {
                            @Override
                            public boolean plausible(int pos, int end) {
                                byte type = a[end - 1];
                                return end - pos == RecordFormat.ACK_FRAME_BYTES
                                        && (type == RecordFormat.ACK
                                                || type == RecordFormat.ASSIGNED_THROUGH);
                            }

                            @Override
                            public void accept(int pos, int end) {
                                entries.add(new Entry(RecordFormat.seq(a, pos), a[end - 1]));
                            }
                        });
        return new Recovered(entries, corrupt + scan.corruptRuns(), scan.tailStart() < a.length);
    }

    /**
     * Replaces the log with one frame per acknowledged sequence number in {@code acked} and an
     * "assigned through" frame, atomically; then appends go to the new file.
     */
    void rewrite(long[] acked, int n, long assignedThrough) throws IOException {
        ByteBuffer all =
                ByteBuffer.allocate(
                        RecordFormat.SEGMENT_HEADER_BYTES + (n + 1) * RecordFormat.ACK_FRAME_BYTES);
        all.put(RecordFormat.header(RecordFormat.ACK_LOG_MAGIC, 0));
        for (int i = 0; i < n; i++) {
            RecordFormat.encodeAck(frame, crc, acked[i], RecordFormat.ACK);
            all.put(frame);
        }
        RecordFormat.encodeAck(frame, crc, assignedThrough, RecordFormat.ASSIGNED_THROUGH);
        all.put(frame);
        if (channel != null) {
            channel.close();
            channel = null;
        }
        AtomicFile.write(path, all.array());
        channel = FileChannel.open(path, StandardOpenOption.WRITE);
        size = all.capacity();
        records = n + 1;
    }

    /** Appends one frame (not forced). */
    void append(long seq, byte type) throws IOException {
        RecordFormat.encodeAck(frame, crc, seq, type);
        long pos = size;
        while (frame.hasRemaining()) {
            pos += channel.write(frame, pos);
        }
        size = pos;
        records++;
    }

    long records() {
        return records;
    }

    FileChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }
}
