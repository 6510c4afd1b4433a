package dev.edgetwin.runtime.mqtt.outbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DurableOutboxTest {
    @TempDir Path dir;

    static Stream<FsyncPolicy> policies() {
        return Stream.of(
                FsyncPolicy.never(),
                FsyncPolicy.every(Duration.ofMillis(10)),
                FsyncPolicy.everyRecord());
    }

    private OutboxConfig config(int segmentBytes, long maxBytes, FsyncPolicy fsync) {
        return new OutboxConfig(dir.resolve("outbox"), maxBytes, segmentBytes, fsync);
    }

    private OutboxConfig small() {
        return config(1024, 1 << 20, FsyncPolicy.never());
    }

    static OutboxMessage msg(Priority p, String payload) {
        return new OutboxMessage(
                "edgetwin/demo/r1/" + p.fileTag(),
                payload.getBytes(StandardCharsets.UTF_8),
                1,
                p == Priority.STATE,
                p);
    }

    static String text(OutboxEntry e) {
        return new String(e.message().payload(), StandardCharsets.UTF_8);
    }

    private static List<String> drain(DurableOutbox o) throws OutboxException {
        List<String> out = new ArrayList<>();
        for (OutboxEntry e; (e = o.next()) != null; ) {
            out.add(text(e));
        }
        return out;
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> s = Files.list(dir.resolve("outbox"))) {
            return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
        }
    }

    @Test
    void appendsAreReadInOrderWithIncreasingSeqAndStayUntilAcknowledged() throws Exception {
        try (DurableOutbox o = DurableOutbox.open(small())) {
            long a = o.append(msg(Priority.STATE, "a"));
            long b = o.append(msg(Priority.STATE, "b"));
            assertTrue(a >= 1 && b == a + 1, a + ", " + b);

            OutboxEntry peeked = o.peek();
            assertEquals(a, peeked.seq());
            assertEquals(peeked, o.peek(), "peek does not take");
            OutboxEntry first = o.next();
            assertEquals(peeked, first);
            assertEquals(msg(Priority.STATE, "a"), first.message());
            assertTrue(first.message().retained());
            assertEquals(1, first.message().qos());
            assertEquals("b", text(o.next()));
            assertNull(o.next());
            assertEquals(2, o.counters().backlogRecords());

            assertTrue(o.acknowledge(a));
            assertFalse(o.acknowledge(a), "a second acknowledgement is refused");
            assertFalse(o.acknowledge(999), "an unknown seq is refused");
            assertTrue(o.acknowledge(b));
            OutboxCounters c = o.counters();
            assertEquals(2, c.appended());
            assertEquals(2, c.acknowledged());
            assertEquals(0, c.backlogRecords());
            assertEquals(0, c.backlogBytes());
        }
    }

    @Test
    void eventsThenStateThenTelemetryOrderKeptWithinEachClass() throws Exception {
        try (DurableOutbox o = DurableOutbox.open(small())) {
            o.append(msg(Priority.TELEMETRY, "t1"));
            o.append(msg(Priority.STATE, "s1"));
            o.append(msg(Priority.TELEMETRY, "t2"));
            o.append(msg(Priority.EVENT, "e1"));
            o.append(msg(Priority.STATE, "s2"));
            o.append(msg(Priority.EVENT, "e2"));
            assertEquals(List.of("e1", "e2", "s1", "s2", "t1", "t2"), drain(o));
            // A higher-class record appended later is sent before the rest of a lower class.
            o.rewind();
            assertEquals("e1", text(o.next()));
            o.append(msg(Priority.EVENT, "e3"));
            assertEquals(List.of("e2", "e3", "s1", "s2", "t1", "t2"), drain(o));
        }
    }

    @Test
    void rewindResendsWhatWasTakenButNotAcknowledged() throws Exception {
        try (DurableOutbox o = DurableOutbox.open(small())) {
            long a = o.append(msg(Priority.STATE, "a"));
            o.append(msg(Priority.STATE, "b"));
            o.append(msg(Priority.STATE, "c"));
            assertEquals(List.of("a", "b", "c"), drain(o));
            o.acknowledge(a);
            o.rewind();
            assertEquals(List.of("b", "c"), drain(o));
        }
    }

    @ParameterizedTest
    @MethodSource("policies")
    void restartReplaysExactlyTheUnacknowledgedRecordsInOrder(FsyncPolicy fsync) throws Exception {
        OutboxConfig cfg = config(1024, 1 << 20, fsync);
        List<Long> seqs = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            for (int i = 0; i < 200; i++) {
                Priority p = Priority.values()[i % 3];
                seqs.add(o.append(msg(p, p.fileTag() + "-" + i + "-" + "x".repeat(i % 50))));
            }
            // Acknowledge every third record and a run in the middle, out of order.
            for (int i = 199; i >= 0; i--) {
                if (i % 3 == 1 || (i >= 60 && i < 90)) {
                    assertTrue(o.acknowledge(seqs.get(i)));
                }
            }
            for (Priority p : Priority.values()) {
                for (int i = 0; i < 200; i++) {
                    if (Priority.values()[i % 3] == p && !(i % 3 == 1 || (i >= 60 && i < 90))) {
                        expected.add(p.fileTag() + "-" + i + "-" + "x".repeat(i % 50));
                    }
                }
            }
            o.next(); // taken but not acknowledged: replayed too
        }
        long lastSeq = seqs.get(seqs.size() - 1);
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            assertEquals(expected.size(), o.counters().backlogRecords());
            assertEquals(expected, drain(o));
            assertEquals(0, o.counters().corruptSkipped());
            assertEquals(0, o.counters().tornTailsTruncated());
            assertTrue(o.append(msg(Priority.EVENT, "after")) > lastSeq, "seq is not reused");
        }
    }

    @Test
    void aSegmentIsDeletedOnceEveryRecordInItIsAcknowledgedInAnyOrder() throws Exception {
        try (DurableOutbox o = DurableOutbox.open(small())) {
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                seqs.add(o.append(msg(Priority.TELEMETRY, "payload-" + "y".repeat(100))));
            }
            List<Path> before = segments();
            assertTrue(before.size() >= 3, "rolled into several segments: " + before);
            long diskBefore = o.counters().diskBytes();

            // Acknowledge the first segment's records last-to-first, skipping its first one.
            int firstSegmentRecords = records(before.get(0));
            for (int i = firstSegmentRecords - 1; i >= 1; i--) {
                assertTrue(o.acknowledge(seqs.get(i)));
            }
            assertEquals(before, segments(), "one record still unacknowledged: nothing deleted");
            assertTrue(o.acknowledge(seqs.get(0)));
            assertEquals(before.subList(1, before.size()), segments());
            assertTrue(o.counters().diskBytes() < diskBefore);

            for (int i = firstSegmentRecords; i < 30; i++) {
                assertTrue(o.acknowledge(seqs.get(i)));
            }
            Path active = before.get(before.size() - 1);
            assertEquals(List.of(active), segments(), "the one appended to stays until it rolls");
            assertEquals(Files.size(active), o.counters().diskBytes());
            for (int i = 0; i < 30; i++) {
                o.acknowledge(o.append(msg(Priority.TELEMETRY, "payload-" + "y".repeat(100))));
            }
            assertFalse(segments().contains(active), "gone once the next segment was created");
            assertEquals(1, segments().size());
        }
        try (DurableOutbox o = DurableOutbox.open(small())) {
            assertEquals(List.of(), segments(), "a finished segment goes at open");
            assertEquals(0, o.counters().diskBytes());
        }
    }

    /** The records a segment file holds, walked as docs/twin-protocol.md describes the format. */
    private static int records(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
        b.position(8);
        int n = 0;
        while (b.remaining() >= 8) {
            int length = b.getInt();
            b.position(b.position() + 4 + length);
            n++;
        }
        return n;
    }

    @Test
    void segmentFileLayoutMatchesTheDocumentedFormat() throws Exception {
        try (DurableOutbox o = DurableOutbox.open(small())) {
            o.append(new OutboxMessage("a/b", new byte[] {1, 2, 3}, 2, true, Priority.STATE));
        }
        List<Path> segs = segments();
        assertEquals(1, segs.size());
        assertEquals("state-00000000000000000001.seg", segs.get(0).getFileName().toString());
        byte[] a = Files.readAllBytes(segs.get(0));
        ByteBuffer b = ByteBuffer.wrap(a);
        assertEquals(0x45544F42, b.getInt(), "magic ETOB");
        assertEquals(1, b.get(), "version");
        assertEquals(Priority.STATE.ordinal(), b.get());
        assertEquals(0, b.getShort());
        int length = b.getInt();
        assertEquals(8 + 4 + 3 + 3, length);
        int crc = b.getInt();
        assertEquals(1L, b.getLong(), "seq");
        assertEquals(2, b.get(), "qos");
        assertEquals(1, b.get(), "flags: retained");
        assertEquals(3, b.getShort(), "topic length");
        byte[] topic = new byte[3];
        b.get(topic);
        assertEquals("a/b", new String(topic, StandardCharsets.UTF_8));
        byte[] payload = new byte[3];
        b.get(payload);
        assertArrayEquals(new byte[] {1, 2, 3}, payload);
        assertFalse(b.hasRemaining());
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(a, 8, 4);
        c.update(a, 16, length);
        assertEquals((int) c.getValue(), crc);
        assertEquals(8 + 8 + length, a.length);
    }

    @Test
    void aTornTailIsCutOffCountedAndTheIntactRecordsSurvive() throws Exception {
        OutboxConfig cfg = small();
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            for (int i = 1; i <= 5; i++) {
                o.append(msg(Priority.STATE, "s" + i));
            }
        }
        Path seg = segments().get(0);
        long full = Files.size(seg);
        long recordBytes = (full - 8) / 5;
        long cut = full - recordBytes / 2; // mid-way through the fifth record
        truncate(seg, cut);

        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            assertEquals(1, o.counters().tornTailsTruncated());
            assertEquals(0, o.counters().corruptSkipped());
            assertEquals(full - recordBytes, Files.size(seg), "the torn tail is cut off");
            assertEquals(List.of("s1", "s2", "s3", "s4"), drain(o));
            long seq = o.append(msg(Priority.STATE, "s6"));
            assertEquals(5, seq, "the torn record's seq was never acknowledged or seen");
        }
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            assertEquals(0, o.counters().tornTailsTruncated(), "appends after the cut are clean");
            assertEquals(List.of("s1", "s2", "s3", "s4", "s6"), drain(o));
        }
    }

    @Test
    void aTornAcknowledgementIsCountedAndItsRecordIsSentAgain() throws Exception {
        OutboxConfig cfg = small();
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            for (int i = 1; i <= 5; i++) {
                o.append(msg(Priority.STATE, "s" + i));
            }
            assertTrue(o.acknowledge(2));
            assertTrue(o.acknowledge(4));
        }
        Path acks = cfg.directory().resolve(AckLog.FILE);
        truncate(acks, Files.size(acks) - 5); // the acknowledgement of 4, torn
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            assertEquals(1, o.counters().tornTailsTruncated());
            assertEquals(List.of("s1", "s3", "s4", "s5"), drain(o), "at least once: 4 again");
        }
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            assertEquals(0, o.counters().tornTailsTruncated(), "rewritten clean at open");
            assertEquals(List.of("s1", "s3", "s4", "s5"), drain(o));
        }
    }

    @Test
    void aFlippedPayloadByteFailsTheCrcAndOnlyThatRecordIsSkipped() throws Exception {
        OutboxConfig cfg = small();
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            for (int i = 1; i <= 5; i++) {
                o.append(msg(Priority.EVENT, "event-" + i));
            }
        }
        Path seg = segments().get(0);
        long recordBytes = (Files.size(seg) - 8) / 5;
        flip(seg, 8 + 2 * recordBytes + recordBytes - 2); // in the third record's payload

        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            assertEquals(1, o.counters().corruptSkipped());
            assertEquals(0, o.counters().tornTailsTruncated());
            assertEquals(List.of("event-1", "event-2", "event-4", "event-5"), drain(o));
        }
    }

    @Test
    void aFlippedLengthByteIsSkippedByResynchronisingOnTheNextValidFrame() throws Exception {
        OutboxConfig cfg = small();
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            for (int i = 1; i <= 5; i++) {
                o.append(msg(Priority.EVENT, "event-" + i));
            }
        }
        Path seg = segments().get(0);
        long recordBytes = (Files.size(seg) - 8) / 5;
        flip(seg, 8 + recordBytes + 3); // the low byte of the second record's length

        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            assertEquals(1, o.counters().corruptSkipped());
            assertEquals(List.of("event-1", "event-3", "event-4", "event-5"), drain(o));
        }
    }

    @Test
    void aRecordCorruptedWhileOpenIsSkippedAndCountedWhenRead() throws Exception {
        try (DurableOutbox o = DurableOutbox.open(small())) {
            for (int i = 1; i <= 3; i++) {
                o.append(msg(Priority.STATE, "state-" + i));
            }
            Path seg = segments().get(0);
            long recordBytes = (Files.size(seg) - 8) / 3;
            flip(seg, 8 + recordBytes + recordBytes - 1);
            assertEquals(List.of("state-1", "state-3"), drain(o));
            assertEquals(1, o.counters().corruptSkipped());
            assertEquals(2, o.counters().backlogRecords());
        }
    }

    @Test
    void theDiskBoundDropsTheOldestLowestPriorityRecordsFirstAndCountsThem() throws Exception {
        OutboxConfig cfg = config(1024, 4096, FsyncPolicy.never());
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            for (int i = 0; i < 5; i++) {
                o.append(msg(Priority.EVENT, "event-" + i));
                o.append(msg(Priority.STATE, "state-" + i));
            }
            List<Long> telemetry = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                telemetry.add(o.append(msg(Priority.TELEMETRY, "telemetry-" + i + "z".repeat(40))));
                assertTrue(o.counters().diskBytes() <= 4096, "bound kept");
            }
            OutboxCounters c = o.counters();
            assertTrue(c.dropped(Priority.TELEMETRY) > 0, c.toString());
            assertEquals(0, c.dropped(Priority.EVENT));
            assertEquals(0, c.dropped(Priority.STATE));
            assertEquals(210, c.appended());
            assertEquals(210 - c.dropped(Priority.TELEMETRY), c.backlogRecords());

            List<String> left = drain(o);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                expected.add("event-" + i);
            }
            for (int i = 0; i < 5; i++) {
                expected.add("state-" + i);
            }
            int droppedTelemetry = (int) c.dropped(Priority.TELEMETRY);
            for (int i = droppedTelemetry; i < 200; i++) {
                expected.add("telemetry-" + i + "z".repeat(40));
            }
            assertEquals(expected, left, "the oldest telemetry went, nothing else");
            assertFalse(o.acknowledge(telemetry.get(0)), "a dropped record cannot be acknowledged");
        }
    }

    @Test
    void whenOnlyHigherClassesHoldTheSpaceTheNewLowerMessageIsDroppedAndCounted() throws Exception {
        OutboxConfig cfg = config(1024, 2048, FsyncPolicy.never());
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            int events = 0;
            while (o.counters().diskBytes() + 200 < 2048) {
                o.append(msg(Priority.EVENT, "event-" + events++ + "e".repeat(100)));
            }
            assertEquals(DurableOutbox.DROPPED, o.append(msg(Priority.TELEMETRY, "t".repeat(300))));
            assertEquals(1, o.counters().dropped(Priority.TELEMETRY));
            assertEquals(0, o.counters().dropped(Priority.EVENT));
            assertEquals(events, o.counters().backlogRecords());
            // An event still gets in, at the cost of the oldest events.
            assertTrue(o.append(msg(Priority.EVENT, "e".repeat(300))) > 0);
            assertTrue(o.counters().dropped(Priority.EVENT) > 0);
            assertTrue(o.counters().diskBytes() <= 2048);
        }
    }

    @Test
    void aMessageLargerThanASegmentIsRefusedWithItsSizeAndNothingIsStored() throws Exception {
        try (DurableOutbox o = DurableOutbox.open(small())) {
            OutboxException e =
                    assertThrows(
                            OutboxException.class,
                            () ->
                                    o.append(
                                            new OutboxMessage(
                                                    "big",
                                                    new byte[2000],
                                                    1,
                                                    false,
                                                    Priority.EVENT)));
            assertEquals(OutboxException.Code.MESSAGE_TOO_LARGE, e.code());
            assertTrue(e.getMessage().contains("2000 payload bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("at most 1016"), e.getMessage());
            assertEquals(0, o.counters().appended());
            assertNull(o.next());
            // The largest message that fits is accepted.
            int fits = 1016 - RecordFormat.messageFrameBytes(3, 0);
            assertNotNull(
                    o.append(new OutboxMessage("big", new byte[fits], 1, false, Priority.EVENT)));
            assertEquals(fits, o.next().message().payload().length);
        }
    }

    @Test
    void seqIsNeverReusedAfterEverySegmentIsAcknowledgedOrDropped() throws Exception {
        OutboxConfig cfg = config(1024, 2048, FsyncPolicy.everyRecord());
        long last;
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            long a = o.append(msg(Priority.STATE, "a"));
            o.acknowledge(a);
            for (int i = 0; i < 40; i++) {
                o.append(msg(Priority.TELEMETRY, "t".repeat(100)));
            }
            last = o.append(msg(Priority.TELEMETRY, "t".repeat(100)));
            assertTrue(o.counters().dropped(Priority.TELEMETRY) > 0);
            for (OutboxEntry e; (e = o.next()) != null; ) {
                assertTrue(o.acknowledge(e.seq()));
            }
        }
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            assertEquals(List.of(), segments(), "every segment that held a seq is gone");
            assertNull(o.next());
            assertTrue(o.append(msg(Priority.STATE, "b")) > last);
        }
    }

    @Test
    void theAcknowledgementLogStaysSmallAcrossManyAcknowledgements() throws Exception {
        OutboxConfig cfg = config(1024, 1 << 20, FsyncPolicy.never());
        long lastSeq = 0;
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            for (int i = 0; i < 20_000; i++) {
                lastSeq = o.append(msg(Priority.STATE, "s" + i));
                assertTrue(o.acknowledge(o.next().seq()));
            }
            long ackLog = Files.size(cfg.directory().resolve(AckLog.FILE));
            assertTrue(ackLog < 20_000L * RecordFormat.ACK_FRAME_BYTES / 2, "compacted: " + ackLog);
        }
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            assertNull(o.next());
            assertEquals(lastSeq + 1, o.append(msg(Priority.STATE, "after")));
        }
    }

    @Test
    void intervalPolicyForcesOnlyWhenTheInjectedClockHasAdvanced() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        OutboxConfig cfg = config(1024, 1 << 20, FsyncPolicy.every(Duration.ofMillis(10)));
        try (DurableOutbox o = DurableOutbox.open(cfg, now::get)) {
            long base = o.forces();
            o.append(msg(Priority.STATE, "a"));
            o.append(msg(Priority.STATE, "b"));
            assertEquals(base, o.forces(), "no time has passed");
            now.addAndGet(9_000_000L);
            o.syncIfDue();
            assertEquals(base, o.forces(), "9 ms < 10 ms");
            now.addAndGet(1_000_000L);
            o.syncIfDue();
            assertEquals(base + 1, o.forces());
            o.syncIfDue();
            assertEquals(base + 1, o.forces(), "nothing new to force");
            now.addAndGet(50_000_000L);
            o.append(msg(Priority.STATE, "c"));
            assertEquals(base + 2, o.forces(), "the append itself forces once the interval passed");
        }
        try (DurableOutbox o =
                DurableOutbox.open(config(1024, 1 << 20, FsyncPolicy.everyRecord()))) {
            long base = o.forces();
            o.append(msg(Priority.STATE, "d"));
            o.acknowledge(o.next().seq());
            assertEquals(base + 2, o.forces());
        }
        try (DurableOutbox o = DurableOutbox.open(config(1024, 1 << 20, FsyncPolicy.never()))) {
            long base = o.forces();
            o.append(msg(Priority.STATE, "e"));
            o.acknowledge(o.next().seq());
            assertEquals(base, o.forces());
        }
    }

    @Test
    void oneOutboxOwnsItsDirectoryAndCloseIsIdempotent() throws Exception {
        DurableOutbox o = DurableOutbox.open(small());
        OutboxException e = assertThrows(OutboxException.class, () -> DurableOutbox.open(small()));
        assertEquals(OutboxException.Code.LOCKED, e.code());
        o.close();
        o.close();
        assertThrows(IllegalStateException.class, () -> o.append(msg(Priority.STATE, "x")));
        assertThrows(IllegalStateException.class, o::next);
        assertThrows(IllegalStateException.class, () -> o.acknowledge(1));
        try (DurableOutbox again = DurableOutbox.open(small())) {
            assertNull(again.next());
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (var ch =
                java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    static void flip(Path file, long pos) throws IOException {
        byte[] a = Files.readAllBytes(file);
        a[(int) pos] ^= 0x10;
        Files.write(file, a);
    }
}
