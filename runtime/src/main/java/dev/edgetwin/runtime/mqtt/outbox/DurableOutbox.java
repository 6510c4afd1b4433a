package dev.edgetwin.runtime.mqtt.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;
import org.tinylog.Logger;

/**
 * A bounded, durable, at-least-once outbox for MQTT messages: what the twin wants published is
 * appended here first, the publisher sends it from here, and only a broker's acknowledgement
 * removes it. It survives restarts (everything not acknowledged is replayed, in order) and crashes
 * mid-write (a torn or corrupt record is skipped and counted; intact records are never lost).
 *
 * <p><b>Storage.</b> One append-only log per {@link Priority} class, each a series of segment files
 * in {@link OutboxConfig#directory()}; every record is framed with its length, a CRC32C and a
 * 64-bit sequence number the outbox assigns (unique and increasing across all classes and restarts,
 * so subscribers can drop the duplicates at-least-once delivery may bring). A segment rolls at
 * {@link OutboxConfig#segmentBytes()} and is deleted once every record in it is acknowledged.
 * Acknowledgements go to a small log ({@code acks.log}), so a restart does not resend what was
 * acknowledged; a crash between the broker's acknowledgement and that log reaching the disk may
 * resend it. The format is in {@code docs/twin-protocol.md} and {@link RecordFormat}.
 *
 * <p><b>Order.</b> {@link #next()} returns the oldest unsent record of the highest class that has
 * one: events, then state, then telemetry; within a class, in append order. Acknowledgements may
 * come in any order. After a reconnect, {@link #rewind()} makes {@code next} start again from the
 * oldest unacknowledged record, to resend what was in flight.
 *
 * <p><b>Bound.</b> The segment files never exceed {@link OutboxConfig#maxBytes()}: an append that
 * would pass it first deletes the oldest segment of the lowest class that has one and is not of a
 * higher class than the message (telemetry first), counting its unacknowledged records as dropped
 * per class and logging a warning. If only higher classes hold the space, the new message itself is
 * dropped, counted, and {@code append} returns {@link #DROPPED}. A message that cannot fit in a
 * segment is refused with {@link OutboxException.Code#MESSAGE_TOO_LARGE}.
 *
 * <p><b>Threads.</b> Designed for one producer (the inference/twin thread calls {@link #append})
 * and one consumer (the publisher thread calls {@link #peek}, {@link #next}, {@link #acknowledge},
 * {@link #rewind}, {@link #syncIfDue}); {@link #counters()} and {@link #close()} may be called from
 * any thread. Every method takes one lock, and file writes (and, with {@link
 * FsyncPolicy.Mode#EVERY_RECORD}, forces) happen under it, so a slow disk delays the other side;
 * nothing waits for the network under it.
 *
 * <p><b>Ownership.</b> The outbox owns its directory (a lock file keeps a second outbox, in this
 * process or another, out: {@link OutboxException.Code#LOCKED}) and its open files. {@link
 * #close()} forces and closes them and may be called twice; any other call after close throws
 * {@link IllegalStateException}.
 */
public final class DurableOutbox implements AutoCloseable {
    /** What {@link #append} returns when the message was dropped to keep the disk bound. */
    public static final long DROPPED = -1;

    static final String LOCK_FILE = "outbox.lock";
    private static final int COMPACT_MIN_RECORDS = 4096;
    private static final Priority[] CLASSES = Priority.values();

    private final OutboxConfig config;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition appendedCondition = lock.newCondition();
    private final List<List<Segment>> logs = new ArrayList<>();
    private final long[] cursor = new long[CLASSES.length];
    private final long[] dropped = new long[CLASSES.length];
    private final CRC32C crc = new CRC32C();
    private final List<FileChannel> unforced = new ArrayList<>();
    private final AckLog ackLog;
    private FileChannel lockChannel;
    private FileLock fileLock;
    private ByteBuffer frame = ByteBuffer.allocate(4096);
    private long nextSeq = 1;
    private long diskBytes;
    private long backlogRecords;
    private long backlogBytes;
    private long appended;
    private long acknowledged;
    private long corruptSkipped;
    private long tornTails;
    private long lastForceNanos;
    private long forces;
    private long droppedOnArrival;
    private boolean closed;

    private DurableOutbox(OutboxConfig config, LongSupplier nanoClock) {
        this.config = config;
        this.nanoClock = nanoClock;
        this.intervalNanos = config.fsync().interval().toNanos();
        for (int i = 0; i < CLASSES.length; i++) {
            logs.add(new ArrayList<>());
        }
        this.ackLog = new AckLog(config.directory());
    }

    /** Opens (or creates) the outbox in {@code config.directory()}, recovering what it holds. */
    public static DurableOutbox open(OutboxConfig config) throws OutboxException {
        return open(config, System::nanoTime);
    }

    /**
     * As {@link #open(OutboxConfig)}, with the clock that times {@link FsyncPolicy.Mode#INTERVAL}.
     *
     * @param nanoClock monotonic nanoseconds, like {@link System#nanoTime()}
     */
    public static DurableOutbox open(OutboxConfig config, LongSupplier nanoClock)
            throws OutboxException {
        java.util.Objects.requireNonNull(config, "config");
        java.util.Objects.requireNonNull(nanoClock, "nanoClock");
        DurableOutbox outbox = new DurableOutbox(config, nanoClock);
        try {
            outbox.recover();
            return outbox;
        } catch (IOException e) {
            outbox.closeQuietly();
            throw new OutboxException(
                    OutboxException.Code.IO,
                    "opening the outbox in " + config.directory() + " failed: " + e,
                    e);
        } catch (OutboxException | RuntimeException e) {
            outbox.closeQuietly();
            throw e;
        }
    }

    // ---- recovery -------------------------------------------------------------------------

    private void recover() throws IOException, OutboxException {
        Path dir = config.directory();
        Files.createDirectories(dir);
        lockChannel =
                FileChannel.open(
                        dir.resolve(LOCK_FILE),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
        try {
            fileLock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            fileLock = null;
        }
        if (fileLock == null) {
            throw new OutboxException(
                    OutboxException.Code.LOCKED,
                    "the outbox directory " + dir + " is in use by another outbox");
        }
        List<Segment.Name> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String name = p.getFileName().toString();
                Segment.Name parsed = Segment.parseName(name);
                if (parsed != null && Files.isRegularFile(p)) {
                    names.add(parsed);
                } else if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // an atomic write that did not finish
                }
            }
        }
        names.sort(
                (a, b) ->
                        a.priority() != b.priority()
                                ? a.priority().compareTo(b.priority())
                                : Long.compare(a.firstSeq(), b.firstSeq()));
        long maxSeq = 0;
        for (Segment.Name name : names) {
            Segment s = recoverSegment(name);
            maxSeq = Math.max(maxSeq, s.lastSeq());
            logs.get(name.priority().ordinal()).add(s);
            diskBytes += s.size;
        }

        AckLog.Recovered acks = ackLog.read();
        if (acks.corruptRuns() > 0 || acks.tornTail()) {
            corruptSkipped += acks.corruptRuns();
            tornTails += acks.tornTail() ? 1 : 0;
            Logger.warn(
                    "Outbox acknowledgement log {}: {} corrupt run(s) skipped{}; the records they"
                            + " acknowledged may be sent again",
                    ackLog.path(),
                    acks.corruptRuns(),
                    acks.tornTail() ? ", a torn tail cut off" : "");
        }
        for (AckLog.Entry e : acks.entries()) {
            maxSeq = Math.max(maxSeq, e.seq());
            if (e.type() == RecordFormat.ACK) {
                Segment s = find(e.seq());
                if (s != null) {
                    s.markDone(s.indexOf(e.seq()));
                }
            }
        }
        for (List<Segment> log : logs) {
            for (Segment s : new ArrayList<>(log)) {
                if (s.finished()) {
                    removeSegment(s);
                } else {
                    backlogRecords += s.undoneCount();
                    backlogBytes += s.undoneBytes();
                }
            }
        }
        nextSeq = maxSeq + 1;
        compactAckLog();
        lastForceNanos = nanoClock.getAsLong();
        if (backlogRecords > 0 || corruptSkipped > 0 || tornTails > 0) {
            Logger.info(
                    "Outbox {}: {} unacknowledged record(s) ({} bytes) to replay, next seq {};"
                            + " {} corrupt run(s) skipped, {} torn tail(s) cut off",
                    config.directory(),
                    backlogRecords,
                    backlogBytes,
                    nextSeq,
                    corruptSkipped,
                    tornTails);
        }
    }

    private Segment recoverSegment(Segment.Name name) throws IOException {
        Path path = config.directory().resolve(Segment.fileName(name.priority(), name.firstSeq()));
        byte[] a = Files.readAllBytes(path);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            return recoverSegment(name, path, a, ch);
        } catch (IOException | RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    private Segment recoverSegment(Segment.Name name, Path path, byte[] a, FileChannel ch)
            throws IOException {
        if (a.length < RecordFormat.SEGMENT_HEADER_BYTES) {
            // Torn while being created: it holds no record, and goes as an empty segment.
            tornTails++;
            Logger.warn("Outbox segment {} has a torn header and no records; removed", path);
            return new Segment(name.priority(), name.firstSeq(), path, ch, a.length);
        }
        ByteBuffer header = ByteBuffer.wrap(a, 0, RecordFormat.SEGMENT_HEADER_BYTES);
        int corrupt = 0;
        if (header.getInt() != RecordFormat.SEGMENT_MAGIC
                || header.get() != RecordFormat.VERSION
                || header.get() != name.priority().ordinal()) {
            corrupt++; // the records may still be intact: scan them anyway
        }
        Segment s = new Segment(name.priority(), name.firstSeq(), path, ch, a.length);
        long[] last = {name.firstSeq() - 1};
        RecordFormat.Scan scan =
                RecordFormat.scan(
                        a,
                        RecordFormat.SEGMENT_HEADER_BYTES,
                        RecordFormat.SEQ_BYTES + RecordFormat.SEGMENT_BODY_FIXED_BYTES + 1,
                        OutboxConfig.MAX_SEGMENT_BYTES,
                        crc,
                        new RecordFormat.FrameSink() {
                            @Override
                            public boolean plausible(int pos, int end) {
                                return RecordFormat.seq(a, pos) > last[0]
                                        && RecordFormat.messageBodyConsistent(a, pos, end);
                            }

                            @Override
                            public void accept(int pos, int end) {
                                last[0] = RecordFormat.seq(a, pos);
                                s.add(last[0], pos, end - pos);
                            }
                        });
        corrupt += scan.corruptRuns();
        if (scan.tailStart() < a.length) {
            ch.truncate(scan.tailStart());
            s.size = scan.tailStart();
            tornTails++;
        }
        if (corrupt > 0 || scan.tailStart() < a.length) {
            corruptSkipped += corrupt;
            Logger.warn(
                    "Outbox segment {}: {} corrupt run(s) skipped{}; {} intact record(s) kept",
                    path,
                    corrupt,
                    scan.tailStart() < a.length
                            ? ", a torn tail of " + (a.length - scan.tailStart()) + " bytes cut off"
                            : "",
                    s.count());
        }
        return s;
    }

    // ---- producer -------------------------------------------------------------------------

    /**
     * Stores a message (producer thread). When this returns, the record is in the operating
     * system's page cache, and on the device if the fsync policy says so.
     *
     * @return the message's sequence number, or {@link #DROPPED} if only messages of a higher class
     *     hold the disk bound
     * @throws OutboxException {@link OutboxException.Code#MESSAGE_TOO_LARGE} if the message's
     *     record is larger than {@link OutboxConfig#maxRecordBytes()}; {@link
     *     OutboxException.Code#IO} if writing failed (the message is not stored)
     */
    public long append(OutboxMessage message) throws OutboxException {
        java.util.Objects.requireNonNull(message, "message");
        return append(seq -> message);
    }

    /**
     * As {@link #append(OutboxMessage)}, for a message whose payload carries its own sequence
     * number: {@code build} is called once, under the outbox's lock, with the number the message
     * will get if it is stored (a dropped message's number is not used up). Keep it short and free
     * of I/O; it must not call the outbox.
     */
    public long append(java.util.function.LongFunction<OutboxMessage> build)
            throws OutboxException {
        java.util.Objects.requireNonNull(build, "build");
        lock.lock();
        try {
            ensureOpen();
            OutboxMessage message =
                    java.util.Objects.requireNonNull(build.apply(nextSeq), "built message");
            byte[] topic = message.topic().getBytes(StandardCharsets.UTF_8);
            int frameBytes = RecordFormat.messageFrameBytes(topic.length, message.payload().length);
            if (frameBytes > config.maxRecordBytes()) {
                throw new OutboxException(
                        OutboxException.Code.MESSAGE_TOO_LARGE,
                        "a message of "
                                + message.payload().length
                                + " payload bytes on topic '"
                                + message.topic()
                                + "' needs a "
                                + frameBytes
                                + "-byte record; the outbox takes at most "
                                + config.maxRecordBytes()
                                + " (segmentBytes "
                                + config.segmentBytes()
                                + " less the segment header)");
            }
            int p = message.priority().ordinal();
            List<Segment> log = logs.get(p);
            Segment active;
            boolean roll;
            while (true) {
                active = log.isEmpty() ? null : log.get(log.size() - 1);
                roll = active == null || active.size + frameBytes > config.segmentBytes();
                long need = frameBytes + (roll ? RecordFormat.SEGMENT_HEADER_BYTES : 0);
                if (diskBytes + need <= config.maxBytes()) {
                    break;
                }
                if (!dropOldest(p)) {
                    dropped[p]++;
                    droppedOnArrival++;
                    if (isPowerOfTen(droppedOnArrival)) {
                        Logger.warn(
                                "Outbox full of higher-priority records: {} incoming message(s)"
                                        + " dropped so far (this one {})",
                                droppedOnArrival,
                                message.priority());
                    }
                    return DROPPED;
                }
            }
            if (frame.capacity() < frameBytes) {
                frame = ByteBuffer.allocate(Math.max(frameBytes, frame.capacity() * 2));
            }
            long seq = nextSeq;
            RecordFormat.encodeMessage(frame, crc, seq, topic, message);
            try {
                if (roll) {
                    Segment previous = active;
                    active = createSegment(message.priority(), seq);
                    if (previous != null && previous.finished()) {
                        removeSegment(previous); // kept while it was the one appended to
                    }
                }
                write(active.channel, frame, active.size);
            } catch (IOException e) {
                throw new OutboxException(
                        OutboxException.Code.IO,
                        "appending to "
                                + (active == null ? "a new segment" : active.path)
                                + ": "
                                + e,
                        e);
            }
            active.add(seq, (int) active.size, frameBytes);
            active.size += frameBytes;
            diskBytes += frameBytes;
            nextSeq++;
            appended++;
            backlogRecords++;
            backlogBytes += frameBytes;
            markUnforced(active.channel);
            maybeForce();
            appendedCondition.signalAll();
            return seq;
        } finally {
            lock.unlock();
        }
    }

    private static boolean isPowerOfTen(long n) {
        while (n >= 10 && n % 10 == 0) {
            n /= 10;
        }
        return n == 1;
    }

    private Segment createSegment(Priority priority, long firstSeq) throws IOException {
        Path path = config.directory().resolve(Segment.fileName(priority, firstSeq));
        FileChannel ch =
                FileChannel.open(
                        path,
                        StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
        try {
            write(ch, RecordFormat.header(RecordFormat.SEGMENT_MAGIC, priority.ordinal()), 0);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(path);
            throw e;
        }
        if (config.fsync().mode() != FsyncPolicy.Mode.NEVER) {
            AtomicFile.syncDirectory(config.directory());
        }
        Segment s = new Segment(priority, firstSeq, path, ch, RecordFormat.SEGMENT_HEADER_BYTES);
        logs.get(priority.ordinal()).add(s);
        diskBytes += RecordFormat.SEGMENT_HEADER_BYTES;
        return s;
    }

    /**
     * Deletes the oldest segment of the lowest class no higher than {@code floor}'s; false if there
     * is none.
     */
    private boolean dropOldest(int floor) throws OutboxException {
        for (int p = CLASSES.length - 1; p >= floor; p--) {
            List<Segment> log = logs.get(p);
            if (log.isEmpty()) {
                continue;
            }
            Segment s = log.get(0);
            int lost = s.undoneCount();
            dropped[p] += lost;
            backlogRecords -= lost;
            backlogBytes -= s.undoneBytes();
            Logger.warn(
                    "Outbox full ({} of {} bytes): dropped {} unacknowledged {} record(s), seq {}-{}",
                    diskBytes,
                    config.maxBytes(),
                    lost,
                    CLASSES[p],
                    s.firstSeq,
                    s.lastSeq());
            try {
                removeSegment(s);
                // Keep the highest seq assigned even if every segment that held it is gone.
                ackLog.append(nextSeq - 1, RecordFormat.ASSIGNED_THROUGH);
                markUnforced(ackLog.channel());
            } catch (IOException e) {
                throw new OutboxException(
                        OutboxException.Code.IO, "dropping " + s.path + ": " + e, e);
            }
            return true;
        }
        return false;
    }

    // ---- consumer -------------------------------------------------------------------------

    /** The record {@link #next()} would return, without taking it; null if none (consumer). */
    public OutboxEntry peek() throws OutboxException {
        lock.lock();
        try {
            ensureOpen();
            return find(false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes the next record to send (consumer): the oldest not yet taken of the highest class that
     * has one; null if none. It stays stored until {@link #acknowledge}d.
     */
    public OutboxEntry next() throws OutboxException {
        lock.lock();
        try {
            ensureOpen();
            return find(true);
        } finally {
            lock.unlock();
        }
    }

    /** As {@link #next()}, waiting up to {@code timeout} for a record to be appended. */
    public OutboxEntry next(long timeout, TimeUnit unit)
            throws OutboxException, InterruptedException {
        long remaining = unit.toNanos(timeout);
        lock.lock();
        try {
            while (true) {
                ensureOpen();
                OutboxEntry e = find(true);
                if (e != null || remaining <= 0) {
                    return e;
                }
                remaining = appendedCondition.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes {@link #next()} start again from the oldest unacknowledged record of each class, so
     * that records taken but not acknowledged (in flight when a connection dropped) are sent again.
     */
    public void rewind() {
        lock.lock();
        try {
            ensureOpen();
            java.util.Arrays.fill(cursor, 0);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that the broker acknowledged {@code seq} (consumer); in any order. The record is
     * never returned again, also after a restart (once the acknowledgement log reaches the disk,
     * per the fsync policy), and its segment is deleted when all its records are acknowledged.
     *
     * @return false if {@code seq} is not stored unacknowledged (already acknowledged, dropped,
     *     unknown)
     */
    public boolean acknowledge(long seq) throws OutboxException {
        lock.lock();
        try {
            ensureOpen();
            Segment s = find(seq);
            if (s == null) {
                return false;
            }
            int i = s.indexOf(seq);
            if (!s.markDone(i)) {
                return false;
            }
            acknowledged++;
            backlogRecords--;
            backlogBytes -= s.frameBytes(i);
            try {
                ackLog.append(seq, RecordFormat.ACK);
                markUnforced(ackLog.channel());
                maybeForce();
                if (s.finished() && !isActive(s)) {
                    removeSegment(s);
                }
                if (ackLog.records() > COMPACT_MIN_RECORDS + 2L * liveDoneRecords()) {
                    compactAckLog();
                }
            } catch (IOException e) {
                throw new OutboxException(
                        OutboxException.Code.IO,
                        "recording the acknowledgement of " + seq + ": " + e,
                        e);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private OutboxEntry find(boolean take) throws OutboxException {
        search:
        while (true) {
            for (int p = 0; p < CLASSES.length; p++) {
                for (Segment s : logs.get(p)) {
                    if (s.lastSeq() < cursor[p]) {
                        continue;
                    }
                    for (int i = s.firstAtOrAfter(cursor[p]); i < s.count(); i++) {
                        if (s.isDone(i)) {
                            continue;
                        }
                        OutboxEntry e = read(s, i);
                        if (e == null) {
                            s.markDone(i);
                            corruptSkipped++;
                            backlogRecords--;
                            backlogBytes -= s.frameBytes(i);
                            Logger.warn(
                                    "Outbox record {} in {} failed its CRC when read; skipped",
                                    s.seq(i),
                                    s.path);
                            if (s.finished() && !isActive(s)) {
                                try {
                                    removeSegment(s);
                                } catch (IOException ex) {
                                    throw new OutboxException(
                                            OutboxException.Code.IO,
                                            "deleting " + s.path + ": " + ex,
                                            ex);
                                }
                                continue search;
                            }
                            continue;
                        }
                        if (take) {
                            cursor[p] = e.seq() + 1;
                        }
                        return e;
                    }
                }
            }
            return null;
        }
    }

    private OutboxEntry read(Segment s, int i) throws OutboxException {
        int n = s.frameBytes(i);
        ByteBuffer b = ByteBuffer.allocate(n);
        try {
            long pos = s.offset(i);
            while (b.hasRemaining()) {
                int r = s.channel.read(b, pos);
                if (r < 0) {
                    return null;
                }
                pos += r;
            }
        } catch (IOException e) {
            throw new OutboxException(OutboxException.Code.IO, "reading " + s.path + ": " + e, e);
        }
        byte[] a = b.array();
        if (RecordFormat.validFrameEnd(a, 0, n, 1, n, crc) != n
                || RecordFormat.seq(a, 0) != s.seq(i)
                || !RecordFormat.messageBodyConsistent(a, 0, n)) {
            return null;
        }
        return RecordFormat.decodeMessage(a, 0, n, s.priority);
    }

    private Segment find(long seq) {
        for (List<Segment> log : logs) {
            for (Segment s : log) {
                if (seq >= s.firstSeq && seq <= s.lastSeq() && s.indexOf(seq) >= 0) {
                    return s;
                }
            }
        }
        return null;
    }

    // ---- files ----------------------------------------------------------------------------

    private void removeSegment(Segment s) throws IOException {
        logs.get(s.priority.ordinal()).remove(s);
        unforced.remove(s.channel);
        diskBytes -= s.size;
        s.channel.close();
        Files.deleteIfExists(s.path);
    }

    /**
     * The segment appends go to: kept when finished, so that steady send-and-ack does not create
     * and delete a file per message; it goes when the next one is created.
     */
    private boolean isActive(Segment s) {
        List<Segment> log = logs.get(s.priority.ordinal());
        return log.get(log.size() - 1) == s;
    }

    private long liveDoneRecords() {
        long n = 0;
        for (List<Segment> log : logs) {
            for (Segment s : log) {
                n += s.doneCount();
            }
        }
        return n;
    }

    private void compactAckLog() throws IOException {
        long[] done = new long[(int) Math.min(Integer.MAX_VALUE - 16, liveDoneRecords())];
        int n = 0;
        for (List<Segment> log : logs) {
            for (Segment s : log) {
                for (int i = 0; i < s.count(); i++) {
                    if (s.isDone(i)) {
                        done[n++] = s.seq(i);
                    }
                }
            }
        }
        FileChannel old = ackLog.channel();
        if (old != null) {
            unforced.remove(old);
        }
        ackLog.rewrite(done, n, nextSeq - 1);
    }

    private static void write(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    private void markUnforced(FileChannel ch) {
        if (!unforced.contains(ch)) {
            unforced.add(ch);
        }
    }

    private void maybeForce() throws OutboxException {
        switch (config.fsync().mode()) {
            case EVERY_RECORD -> forceAll();
            case INTERVAL -> {
                if (nanoClock.getAsLong() - lastForceNanos >= intervalNanos) {
                    forceAll();
                }
            }
            case NEVER -> {}
        }
    }

    private void forceAll() throws OutboxException {
        for (FileChannel ch : unforced) {
            try {
                ch.force(false);
            } catch (IOException e) {
                throw new OutboxException(OutboxException.Code.IO, "fsync failed: " + e, e);
            }
        }
        if (!unforced.isEmpty()) {
            forces++;
        }
        unforced.clear();
        lastForceNanos = nanoClock.getAsLong();
    }

    /**
     * Forces written data to the device if the {@link FsyncPolicy.Mode#INTERVAL} has passed since
     * the last force (consumer, periodically: appends and acknowledgements check this too, but an
     * idle outbox only here). Does nothing for the other modes.
     */
    public void syncIfDue() throws OutboxException {
        lock.lock();
        try {
            ensureOpen();
            if (config.fsync().mode() == FsyncPolicy.Mode.INTERVAL) {
                maybeForce();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Forces everything written so far to the device now, whatever the policy. */
    public void sync() throws OutboxException {
        lock.lock();
        try {
            ensureOpen();
            forceAll();
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of the counters (any thread). */
    public OutboxCounters counters() {
        lock.lock();
        try {
            Map<Priority, Long> d = new EnumMap<>(Priority.class);
            for (Priority p : CLASSES) {
                d.put(p, dropped[p.ordinal()]);
            }
            return new OutboxCounters(
                    appended,
                    acknowledged,
                    d,
                    corruptSkipped,
                    tornTails,
                    backlogRecords,
                    backlogBytes,
                    diskBytes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The sequence number the next stored message will get: every number below it has been given to
     * a message (stored, and perhaps acknowledged and deleted since), also before a restart.
     */
    public long nextSeq() {
        lock.lock();
        try {
            ensureOpen();
            return nextSeq;
        } finally {
            lock.unlock();
        }
    }

    /** How many times written data was forced (tests). */
    long forces() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }

    public OutboxConfig config() {
        return config;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the outbox in " + config.directory() + " is closed");
        }
    }

    /** Forces and closes the files and releases the directory; safe to call twice. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            try {
                forceAll();
            } catch (OutboxException e) {
                Logger.warn(
                        "Outbox {}: final fsync failed: {}", config.directory(), e.getMessage());
            }
            closeQuietly();
            appendedCondition.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void closeQuietly() {
        closed = true;
        for (List<Segment> log : logs) {
            for (Segment s : log) {
                closeQuietly(s.channel);
            }
        }
        try {
            ackLog.close();
        } catch (IOException e) {
            Logger.debug("Closing {}: {}", ackLog.path(), e.getMessage());
        }
        try {
            if (fileLock != null) {
                fileLock.release();
            }
        } catch (IOException e) {
            Logger.debug("Releasing the outbox lock: {}", e.getMessage());
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) {
            return;
        }
        try {
            ch.close();
        } catch (IOException e) {
            Logger.debug("Closing a file: {}", e.getMessage());
        }
    }
}
