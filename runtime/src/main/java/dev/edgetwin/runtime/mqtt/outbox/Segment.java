package dev.edgetwin.runtime.mqtt.outbox;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One segment file of one priority class and its in-memory index: the sequence number, offset and
 * size of every intact record, and which are done (acknowledged, or unreadable). About 16 bytes of
 * heap per record. Guarded by the outbox's lock.
 */
final class Segment {
    private static final Pattern NAME = Pattern.compile("(event|state|telemetry)-(\\d{20})\\.seg");

    final Priority priority;
    final long firstSeq;
    final Path path;
    final FileChannel channel;

    /** Bytes of the file that hold the header and intact records; the next record goes here. */
    long size;

    private long[] seqs = new long[64];
    private int[] offsets = new int[64];
    private int[] sizes = new int[64];
    private int count;
    private final BitSet done = new BitSet();
    private int doneCount;
    private long undoneBytes;

    Segment(Priority priority, long firstSeq, Path path, FileChannel channel, long size) {
        this.priority = priority;
        this.firstSeq = firstSeq;
        this.path = path;
        this.channel = channel;
        this.size = size;
    }

    static String fileName(Priority priority, long firstSeq) {
        return String.format("%s-%020d.seg", priority.fileTag(), firstSeq);
    }

    /** What a segment file's name says. */
    record Name(Priority priority, long firstSeq) {}

    /** The priority and first sequence number a segment file's name gives, or null. */
    static Name parseName(String name) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return null;
        }
        return new Name(
                Priority.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT)),
                Long.parseLong(m.group(2)));
    }

    void add(long seq, int offset, int frameBytes) {
        if (count == seqs.length) {
            int n = count * 2;
            seqs = Arrays.copyOf(seqs, n);
            offsets = Arrays.copyOf(offsets, n);
            sizes = Arrays.copyOf(sizes, n);
        }
        seqs[count] = seq;
        offsets[count] = offset;
        sizes[count] = frameBytes;
        count++;
        undoneBytes += frameBytes;
    }

    int count() {
        return count;
    }

    long seq(int i) {
        return seqs[i];
    }

    int offset(int i) {
        return offsets[i];
    }

    int frameBytes(int i) {
        return sizes[i];
    }

    long lastSeq() {
        return count == 0 ? firstSeq - 1 : seqs[count - 1];
    }

    /** The index of the record with this sequence number, or -1. */
    int indexOf(long seq) {
        int i = Arrays.binarySearch(seqs, 0, count, seq);
        return i >= 0 ? i : -1;
    }

    /** The index of the first record whose sequence number is at least {@code seq}. */
    int firstAtOrAfter(long seq) {
        int i = Arrays.binarySearch(seqs, 0, count, seq);
        return i >= 0 ? i : -i - 1;
    }

    boolean isDone(int i) {
        return done.get(i);
    }

    /** Marks a record done; false if it already was. */
    boolean markDone(int i) {
        if (done.get(i)) {
            return false;
        }
        done.set(i);
        doneCount++;
        undoneBytes -= sizes[i];
        return true;
    }

    int undoneCount() {
        return count - doneCount;
    }

    int doneCount() {
        return doneCount;
    }

    long undoneBytes() {
        return undoneBytes;
    }

    /** Every record is done: the file can go. */
    boolean finished() {
        return doneCount == count;
    }
}
