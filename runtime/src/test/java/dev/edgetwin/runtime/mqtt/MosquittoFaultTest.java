package dev.edgetwin.runtime.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgetwin.runtime.mqtt.outbox.DurableOutbox;
import dev.edgetwin.runtime.mqtt.outbox.OutboxConfig;
import dev.edgetwin.runtime.twin.TwinTopics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing lost when the hub goes away, against a broker we did not write: Debian's Mosquitto 2.x,
 * started on a free 127.0.0.1 port with persistence on. While the publisher (a child JVM running
 * {@link TwinPublisher} on its on-disk state directory, as the daemon does; {@link
 * EventLoadPublisher}) offers events at 100 per second, the broker is killed with SIGKILL and
 * started again 3 times, and the publisher is killed with SIGKILL once and started again on the
 * same state directory. A subscriber with a persistent session (clean session false, QoS 1) must
 * receive every message the publisher numbered.
 *
 * <p>"Published" is what the publisher's durable outbox numbered: {@code msgSeq} 1 to the outbox's
 * last number, read from the outbox directory after the run (events, plus the {@code online}/{@code
 * offline} statuses the publisher sends at each connection and at the end). "Lost" is every such
 * number the subscriber never received. Events that were still in the publisher's in-memory
 * hand-off (not yet numbered) when it was SIGKILLed were never published; the killed run's event
 * ids must still be contiguous from its first one (none missing before the last received).
 *
 * <p>Needs {@code apt-get install mosquitto}; runs with {@code -Pinterop}. Command: {@code ./mvnw
 * -o -pl runtime -am verify -Pinterop -Dtest=MosquittoFaultTest
 * -Dsurefire.failIfNoSpecifiedTests=false} (the counts are printed on stdout).
 */
@Tag("interop")
class MosquittoFaultTest {
    private static final double EVENTS_PER_SECOND = 100;
    private static final long OUTAGE_MILLIS = 1_000;
    private static final long SECOND_RUN_FIRST_ID = 1_000_001;
    private final TwinTopics topics = new TwinTopics("fault", "robot-1");

    @TempDir Path dir;

    private final List<Publisher> runs = new ArrayList<>();
    private MosquittoBroker broker;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aPersistentSubscriberReceivesEveryEventThroughBrokerAndPublisherKills() throws Exception {
        int port = EmbeddedBroker.freePort();
        Path stateDir = dir.resolve("state");
        try (MosquittoBroker broker = MosquittoBroker.start(dir.resolve("broker"), port, true);
                PersistentSubscriber sub =
                        new PersistentSubscriber(
                                broker.uri(),
                                "fault-subscriber",
                                "edgetwin/" + topics.site() + "/" + topics.robotId() + "/#")) {
            // The subscription must be in the broker's database before the first SIGKILL, or the
            // restarted broker would not queue for the subscriber.
            this.broker = broker;
            await(
                    () -> Files.exists(broker.databaseFile()),
                    10_000,
                    "mosquitto saved its database");

            Publisher publisher = startPublisher(broker.uri(), stateDir, 1, EVENTS_PER_SECOND);
            awaitMoreEvents(sub, 200, "the first publisher's events");

            killBrokerAndRestart(broker, sub, 1);

            long before = eventCount(sub);
            publisher.kill();
            System.out.printf(
                    "fault test: publisher (pid %d) killed with SIGKILL after %d event(s) received%n",
                    publisher.process.pid(), before);
            publisher =
                    startPublisher(broker.uri(), stateDir, SECOND_RUN_FIRST_ID, EVENTS_PER_SECOND);
            awaitMoreEvents(sub, 200, "the restarted publisher's events");

            killBrokerAndRestart(broker, sub, 2);
            killBrokerAndRestart(broker, sub, 3);

            publisher.stop();
            long[] outbox = outbox(stateDir);
            if (outbox[1] > 0) {
                // A loaded machine: the publisher stopped (waiting 3 s) before the broker had
                // acknowledged everything. What is left goes at the next start, as after any
                // restart: a run that offers nothing and only sends what the outbox holds.
                long lastBefore = outbox[0];
                System.out.printf(
                        "fault test: %d record(s) left in the outbox at the stop; a draining run"
                                + " sends them%n",
                        outbox[1]);
                Publisher drain = startPublisher(broker.uri(), stateDir, 1, 0);
                sub.await(got -> missing(got, lastBefore).isEmpty(), TimeUnit.SECONDS.toMillis(60));
                drain.stop();
                outbox = outbox(stateDir);
            }
            long lastSeq = outbox[0];
            assertEquals(
                    0,
                    outbox[1],
                    "the publisher stopped with unsent records in its outbox" + diagnostics());

            List<PersistentSubscriber.Received> all =
                    sub.await(
                            got -> missing(got, lastSeq).isEmpty(), TimeUnit.SECONDS.toMillis(30));
            report(all, lastSeq, broker);
            System.out.print(diagnostics());
        } finally {
            for (Publisher p : runs) {
                p.process.destroyForcibly();
            }
        }
    }

    /** The outbox's last number and its backlog, read from its directory. */
    private static long[] outbox(Path stateDir) throws Exception {
        try (DurableOutbox outbox =
                DurableOutbox.open(OutboxConfig.defaults(stateDir.resolve("outbox")))) {
            return new long[] {outbox.nextSeq() - 1, outbox.counters().backlogRecords()};
        }
    }

    /** What each publisher run printed and logged last, and the broker's log, for a failure. */
    private String diagnostics() {
        StringBuilder b = new StringBuilder("\n");
        for (Publisher p : runs) {
            b.append("fault test: publisher run ").append(p.index).append(" printed: ");
            b.append(p.lines).append('\n');
            b.append("fault test: publisher run ").append(p.index).append(" log tail: ");
            b.append(tail(dir.resolve("publisher-" + p.index + ".log"), 8)).append('\n');
        }
        if (broker != null) {
            b.append("fault test: mosquitto log tail: ")
                    .append(tail(broker.log(), 12))
                    .append('\n');
        }
        return b.toString();
    }

    private static String tail(Path file, int lines) {
        try {
            // Mosquitto saves after every change and says so each time: not news.
            List<String> all =
                    Files.readAllLines(file).stream()
                            .filter(l -> !l.contains("Saving in-memory database"))
                            .toList();
            return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        }
    }

    private void report(List<PersistentSubscriber.Received> all, long lastSeq, MosquittoBroker b)
            throws IOException {
        long received = 0;
        long wills = 0;
        Set<Long> distinct = new HashSet<>();
        TreeMap<Long, Long> eventIdBySeq = new TreeMap<>();
        long statuses = 0;
        for (PersistentSubscriber.Received r : all) {
            JsonNode seq = r.json().get("msgSeq");
            if (seq == null) {
                wills++; // the Last Will: sent by the broker, not numbered
                assertEquals(topics.status(), r.topic());
                assertEquals("offline", r.json().get("state").asText());
                continue;
            }
            received++;
            if (distinct.add(seq.asLong())) {
                if (r.topic().equals(topics.event())) {
                    eventIdBySeq.put(seq.asLong(), r.json().get("object").get("id").asLong());
                } else {
                    statuses++;
                }
            }
        }
        Set<Long> lost = missing(all, lastSeq);
        long duplicates = received - distinct.size();
        String summary =
                String.format(
                        "fault test: %s, broker SIGKILLed and restarted 3 times, publisher"
                                + " SIGKILLed and restarted once, events offered at %.0f/s%n"
                                + "fault test: published %d (msgSeq 1..%d: %d events, %d"
                                + " statuses), received %d, duplicates %d, lost %d; Last Wills"
                                + " received %d%n",
                        b.version(),
                        EVENTS_PER_SECOND,
                        lastSeq,
                        lastSeq,
                        eventIdBySeq.size(),
                        statuses,
                        received,
                        duplicates,
                        lost.size(),
                        wills);
        System.out.print(summary);
        Files.writeString(dir.resolve("summary.txt"), summary);

        assertTrue(
                lost.isEmpty(),
                "lost " + lost.size() + " message(s), e.g. " + first(lost) + diagnostics());
        assertTrue(
                distinct.stream().allMatch(s -> s >= 1 && s <= lastSeq),
                "every msgSeq received is one the outbox gave (1.." + lastSeq + ")");
        assertTrue(wills >= 1, "the killed publisher's Last Will (offline) was received");

        // Within each run, events were numbered in the order offered and none in the middle is
        // missing; and they came at least 50 per second.
        List<Long> firstRun = new ArrayList<>();
        List<Long> secondRun = new ArrayList<>();
        for (long id : eventIdBySeq.values()) {
            (id >= SECOND_RUN_FIRST_ID ? secondRun : firstRun).add(id);
        }
        checkContiguous(firstRun, 1);
        checkContiguous(secondRun, SECOND_RUN_FIRST_ID);
        double rate = eventRate(all);
        System.out.printf("fault test: events offered at %.1f per second (capture times)%n", rate);
        assertTrue(rate >= 50, "events at >= 50 per second, got " + rate);
    }

    private static void checkContiguous(List<Long> idsInSeqOrder, long firstId) {
        assertTrue(idsInSeqOrder.size() >= 200, "events of the run from " + firstId);
        for (int i = 0; i < idsInSeqOrder.size(); i++) {
            assertEquals(
                    firstId + i,
                    idsInSeqOrder.get(i),
                    "event ids in msgSeq order from " + firstId + ", at index " + i);
        }
    }

    /** Events per second over each run's span of event times, the slower run. */
    private double eventRate(List<PersistentSubscriber.Received> all) {
        double slowest = Double.MAX_VALUE;
        for (boolean second : new boolean[] {false, true}) {
            TreeSet<Long> ids = new TreeSet<>();
            long minT = Long.MAX_VALUE;
            long maxT = Long.MIN_VALUE;
            for (PersistentSubscriber.Received r : all) {
                if (!r.topic().equals(topics.event())) {
                    continue;
                }
                long id = r.json().get("object").get("id").asLong();
                if ((id >= SECOND_RUN_FIRST_ID) != second || !ids.add(id)) {
                    continue;
                }
                long t = java.time.Instant.parse(r.json().get("time").asText()).toEpochMilli();
                minT = Math.min(minT, t);
                maxT = Math.max(maxT, t);
            }
            if (ids.size() > 1 && maxT > minT) {
                slowest = Math.min(slowest, (ids.size() - 1) / ((maxT - minT) / 1000.0));
            }
        }
        return slowest;
    }

    private static Set<Long> missing(List<PersistentSubscriber.Received> got, long lastSeq) {
        Set<Long> seen = new HashSet<>();
        for (PersistentSubscriber.Received r : got) {
            JsonNode seq = r.json().get("msgSeq");
            if (seq != null) {
                seen.add(seq.asLong());
            }
        }
        Set<Long> missing = new TreeSet<>();
        for (long s = 1; s <= lastSeq; s++) {
            if (!seen.contains(s)) {
                missing.add(s);
            }
        }
        return missing;
    }

    private static String first(Set<Long> s) {
        return s.stream().limit(10).toList().toString();
    }

    private void killBrokerAndRestart(MosquittoBroker broker, PersistentSubscriber sub, int round)
            throws Exception {
        long before = eventCount(sub);
        long pid = broker.pid();
        broker.kill();
        await(() -> !sub.isConnected(), 10_000, "the subscriber to notice the broker is gone");
        // The outage: the publisher keeps numbering events into its outbox meanwhile.
        Thread.sleep(OUTAGE_MILLIS);
        broker.restart();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!sub.isConnected()) {
            try {
                sub.reconnect();
            } catch (MqttException e) {
                assertTrue(
                        System.nanoTime() - deadline < 0,
                        "the subscriber could not reconnect: " + e);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        System.out.printf(
                "fault test: broker (pid %d) killed with SIGKILL and restarted (round %d) after"
                        + " %d event(s) received%n",
                pid, round, before);
        awaitMoreEvents(sub, 200, "events after broker restart " + round);
    }

    private long eventCount(PersistentSubscriber sub) {
        return sub.received().stream().filter(r -> r.topic().equals(topics.event())).count();
    }

    private void awaitMoreEvents(PersistentSubscriber sub, int more, String what)
            throws InterruptedException {
        long target = eventCount(sub) + more;
        sub.await(
                got -> got.stream().filter(r -> r.topic().equals(topics.event())).count() >= target,
                TimeUnit.SECONDS.toMillis(30));
        assertTrue(
                eventCount(sub) >= target,
                "waited 30 s for " + more + " more: " + what + diagnostics());
    }

    private static void await(BooleanSupplier condition, long millis, String what) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "waited " + millis + " ms for " + what);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** One run of the publishing child JVM. */
    private final class Publisher {
        final int index;
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();

        Publisher(int index, Process process) {
            this.index = index;
            this.process = process;
            Thread reader =
                    new Thread(
                            () -> {
                                try (BufferedReader in =
                                        new BufferedReader(
                                                new InputStreamReader(
                                                        process.getInputStream(),
                                                        StandardCharsets.UTF_8))) {
                                    String line;
                                    while ((line = in.readLine()) != null) {
                                        lines.add(line);
                                    }
                                } catch (IOException e) {
                                    lines.add("(stdout: " + e.getMessage() + ")");
                                }
                            },
                            "publisher-" + index + "-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        void kill() throws InterruptedException {
            process.destroyForcibly(); // SIGKILL on Linux
            process.waitFor();
        }

        void stop() throws IOException, InterruptedException {
            OutputStream in = process.getOutputStream();
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the publisher stopped in 30 s");
            assertEquals(0, process.exitValue(), "publisher exit status; stdout " + lines);
            await(
                    () -> lines.stream().anyMatch(l -> l.startsWith("stopped")),
                    5_000,
                    "the publisher's last line");
        }
    }

    private Publisher startPublisher(String uri, Path stateDir, long firstId, double rate)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire runs tests from a manifest-only jar; the real class path is in this property.
        String classPath =
                System.getProperty(
                        "surefire.test.class.path", System.getProperty("java.class.path"));
        int index = runs.size() + 1;
        ProcessBuilder pb =
                new ProcessBuilder(
                        java,
                        "-cp",
                        classPath,
                        EventLoadPublisher.class.getName(),
                        uri,
                        stateDir.toString(),
                        topics.site(),
                        topics.robotId(),
                        Long.toString(firstId),
                        Double.toString(rate),
                        "180");
        pb.environment().put("ORT_DISABLE_TELEMETRY", "1");
        pb.redirectError(dir.resolve("publisher-" + index + ".log").toFile());
        Publisher p = new Publisher(index, pb.start());
        runs.add(p);
        await(
                () ->
                        p.lines.stream().anyMatch(l -> l.startsWith("started"))
                                || !p.process.isAlive(),
                30_000,
                "publisher run " + index + " to start");
        assertTrue(
                p.process.isAlive(),
                "publisher run " + index + " exited: " + readLog(index) + " " + p.lines);
        return p;
    }

    private String readLog(int index) {
        try {
            return Files.readString(dir.resolve("publisher-" + index + ".log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
