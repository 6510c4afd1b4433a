package dev.edgetwin.runtime.mqtt.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class OutboxConcurrencyTest {
    private static final int MESSAGES = 10_000;

    @TempDir Path dir;

    @RepeatedTest(5)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneProducerAndOneConsumerLoseAndDuplicateNothing() throws Exception {
        // Small segments, so rolling and deleting happen while both threads run; a bound the
        // backlog never reaches, so nothing is dropped.
        OutboxConfig cfg = new OutboxConfig(dir, 64L << 20, 8 * 1024, FsyncPolicy.never());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        // The producer waits once, until the consumer has taken some, so the two overlap
        // whatever the scheduler does.
        CountDownLatch consumerStarted = new CountDownLatch(1);
        try (DurableOutbox o = DurableOutbox.open(cfg)) {
            Future<long[]> producer =
                    threads.submit(
                            () -> {
                                long[] seqs = new long[MESSAGES];
                                for (int i = 0; i < MESSAGES; i++) {
                                    seqs[i] = o.append(message(i));
                                    if (i == 1000) {
                                        assertTrue(consumerStarted.await(60, TimeUnit.SECONDS));
                                    }
                                }
                                return seqs;
                            });
            Future<List<OutboxEntry>> consumer =
                    threads.submit(
                            () -> {
                                List<OutboxEntry> got = new ArrayList<>();
                                while (got.size() < MESSAGES) {
                                    OutboxEntry e = o.next(10, TimeUnit.SECONDS);
                                    if (e == null) {
                                        throw new AssertionError(
                                                "nothing arrived for 10 s after " + got.size());
                                    }
                                    got.add(e);
                                    assertTrue(o.acknowledge(e.seq()));
                                    if (got.size() == 500) {
                                        consumerStarted.countDown();
                                    }
                                }
                                return got;
                            });
            long[] seqs = producer.get(100, TimeUnit.SECONDS);
            List<OutboxEntry> got = consumer.get(100, TimeUnit.SECONDS);

            boolean[] seen = new boolean[MESSAGES];
            long[] lastSeqOfClass = new long[Priority.values().length];
            for (OutboxEntry e : got) {
                int i = ByteBuffer.wrap(e.message().payload()).getInt();
                assertEquals(message(i), e.message(), "payload intact");
                assertEquals(seqs[i], e.seq(), "the seq append returned");
                assertTrue(!seen[i], "message " + i + " delivered twice");
                seen[i] = true;
                int p = e.message().priority().ordinal();
                assertTrue(e.seq() > lastSeqOfClass[p], "order within a class");
                lastSeqOfClass[p] = e.seq();
            }
            OutboxCounters c = o.counters();
            assertEquals(MESSAGES, c.appended());
            assertEquals(MESSAGES, c.acknowledged());
            assertEquals(0, c.backlogRecords());
            assertEquals(0, c.dropped(Priority.TELEMETRY));
            assertNull(o.next());
            assertTrue(
                    c.diskBytes() <= 3L * cfg.segmentBytes(),
                    "only the segments appended to are left: " + c.diskBytes());
        } finally {
            threads.shutdownNow();
        }
    }

    private static OutboxMessage message(int i) {
        byte[] payload = new byte[4 + (i % 200)];
        ByteBuffer.wrap(payload).putInt(i);
        for (int k = 4; k < payload.length; k++) {
            payload[k] = (byte) (i + k);
        }
        Priority p = Priority.values()[i % 3];
        return new OutboxMessage("edgetwin/demo/r1/" + p.fileTag(), payload, 1, false, p);
    }
}
