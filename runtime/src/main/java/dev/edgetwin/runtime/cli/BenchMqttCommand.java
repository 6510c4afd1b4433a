package dev.edgetwin.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgetwin.runtime.inference.CpuDescription;
import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.mqtt.MosquittoBroker;
import dev.edgetwin.runtime.mqtt.PublisherConfig;
import dev.edgetwin.runtime.mqtt.TwinPublisher;
import dev.edgetwin.runtime.mqtt.outbox.DurableOutbox;
import dev.edgetwin.runtime.mqtt.outbox.FsyncPolicy;
import dev.edgetwin.runtime.mqtt.outbox.OutboxConfig;
import dev.edgetwin.runtime.mqtt.outbox.OutboxEntry;
import dev.edgetwin.runtime.mqtt.outbox.OutboxMessage;
import dev.edgetwin.runtime.mqtt.outbox.Priority;
import dev.edgetwin.runtime.twin.MessageStamp;
import dev.edgetwin.runtime.twin.TwinEvent;
import dev.edgetwin.runtime.twin.TwinJson;
import dev.edgetwin.runtime.twin.TwinTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code edgetwin bench mqtt}: the sustained rate at which the twin's publisher gets messages
 * acknowledged by a broker on loopback, at QoS 0 and QoS 1, through the durable outbox (the
 * daemon's path: {@link TwinPublisher#offerEvent}, JSON, outbox append, Paho, acknowledgement in
 * the outbox) and with bare Paho on the same payload bytes and in-flight window; the difference of
 * the per-message times is what the publisher's path adds, and the outbox's own work (append + next
 * + acknowledge, with the fsync policy) is timed alone too.
 *
 * <p>The broker: Mosquitto, started by the bench on a free 127.0.0.1 port (persistence off) when
 * {@code mosquitto} is installed; {@code --broker embedded} (or {@code auto} without Mosquitto)
 * uses the embedded Moquette in this JVM instead, and says so: it then shares the CPU with the
 * publisher.
 *
 * <p>Command: {@code ./edgetwin bench mqtt [--messages 20000] [--warmup 10000] [--rounds 3]
 * [--broker auto|mosquitto|embedded] [--fsync interval|every-record|never] [--json]}. Each round
 * runs the four cases in turn; the figures are the medians over rounds.
 */
@Command(
        name = "mqtt",
        mixinStandardHelpOptions = true,
        description =
                "Sustained MQTT publish rate at QoS 0 and 1 on loopback, through the durable outbox and with bare Paho, and the time the outbox adds per message.")
final class BenchMqttCommand implements Callable<Integer> {
    private static final int IN_FLIGHT = 1000;
    private static final int MAX_OUTSTANDING_OFFERS = 2000; // below the publisher's event queue
    private static final long PHASE_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(2);
    private static final TwinTopics TOPICS = new TwinTopics("bench", "bench-robot");

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--messages",
            defaultValue = "20000",
            description = "Timed messages per case and round. Default: ${DEFAULT-VALUE}.")
    int messages;

    @Option(
            names = "--warmup",
            defaultValue = "10000",
            description =
                    "Untimed messages first, per case and round (the JIT needs them). Default: ${DEFAULT-VALUE}.")
    int warmup;

    @Option(
            names = "--rounds",
            defaultValue = "3",
            description =
                    "Rounds of the four cases, in turns; medians are reported. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(
            names = "--broker",
            defaultValue = "auto",
            description =
                    "mosquitto (started by the bench), embedded (Moquette in this JVM) or auto (mosquitto if installed). Default: ${DEFAULT-VALUE}.")
    String broker;

    @Option(
            names = "--fsync",
            defaultValue = "interval",
            description =
                    "The outbox's fsync policy: interval (the daemon's: at most every --fsync-interval-ms), every-record or never. Default: ${DEFAULT-VALUE}.")
    String fsync;

    @Option(
            names = "--fsync-interval-ms",
            defaultValue = "100",
            description = "For --fsync interval. Default: ${DEFAULT-VALUE}.")
    long fsyncIntervalMs;

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    /** The broker under test, whichever it is. */
    private interface Broker extends AutoCloseable {
        String uri();

        String label();

        @Override
        void close();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (messages < 1 || warmup < 0 || rounds < 1 || fsyncIntervalMs < 1) {
            err.printf(
                    "edgetwin bench mqtt: --messages, --rounds and --fsync-interval-ms must be >= 1, --warmup >= 0%n");
            return 2;
        }
        FsyncPolicy policy;
        switch (fsync) {
            case "interval" -> policy = FsyncPolicy.every(Duration.ofMillis(fsyncIntervalMs));
            case "every-record" -> policy = FsyncPolicy.everyRecord();
            case "never" -> policy = FsyncPolicy.never();
            default -> {
                err.printf(
                        "edgetwin bench mqtt: --fsync must be interval, every-record or never, got '%s'%n",
                        fsync);
                return 2;
            }
        }
        if (!List.of("auto", "mosquitto", "embedded").contains(broker)) {
            err.printf(
                    "edgetwin bench mqtt: --broker must be auto, mosquitto or embedded, got '%s'%n",
                    broker);
            return 2;
        }
        Optional<Path> mosquitto = MosquittoBroker.find();
        if (broker.equals("mosquitto") && mosquitto.isEmpty()) {
            err.printf(
                    "edgetwin bench mqtt: mosquitto is not installed (not on PATH, nor in /usr/sbin);"
                            + " apt-get install mosquitto, or use --broker embedded%n");
            return 1;
        }
        boolean useMosquitto = !broker.equals("embedded") && mosquitto.isPresent();

        Path work = Files.createTempDirectory("edgetwin-bench-mqtt");
        Map<String, Object> doc = new LinkedHashMap<>();
        try (Broker b = startBroker(useMosquitto, work)) {
            byte[] payload = samplePayload();
            OutboxConfig outboxTemplate =
                    new OutboxConfig(work.resolve("unused"), 64L << 20, 4 << 20, policy);
            List<double[]> bare = new ArrayList<>();
            List<double[]> publisher = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                double[] bareRound = new double[2];
                double[] publisherRound = new double[2];
                for (int qos = 0; qos <= 1; qos++) {
                    bareRound[qos] = barePahoRate(b.uri(), qos, payload);
                    publisherRound[qos] =
                            publisherRate(
                                    b.uri(),
                                    qos,
                                    work.resolve("r" + r + "q" + qos),
                                    outboxTemplate);
                }
                bare.add(bareRound);
                publisher.add(publisherRound);
            }
            OutboxFigures alone = outboxAlone(work.resolve("outbox-alone"), policy, payload);

            doc.put("command", "bench mqtt");
            doc.put("broker", b.label());
            doc.put("cpu", CpuDescription.describe());
            doc.put(
                    "java",
                    System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            doc.put("client", "Eclipse Paho mqttv3 (MQTT 3.1.1), " + IN_FLIGHT + " in flight");
            doc.put("payloadBytes", payload.length);
            doc.put("fsync", describe(policy));
            doc.put("messages", messages);
            doc.put("warmup", warmup);
            doc.put("rounds", rounds);
            for (int qos = 0; qos <= 1; qos++) {
                Map<String, Object> q = new LinkedHashMap<>();
                double bareRate = median(bare, qos);
                double outboxRate = median(publisher, qos);
                q.put("outboxMessagesPerSecond", outboxRate);
                q.put("barePahoMessagesPerSecond", bareRate);
                q.put("outboxRounds", column(publisher, qos));
                q.put("barePahoRounds", column(bare, qos));
                q.put("addedMicrosPerMessage", 1e6 / outboxRate - 1e6 / bareRate);
                doc.put("qos" + qos, q);
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("messages", alone.count);
            o.put("p50Micros", alone.p50);
            o.put("p99Micros", alone.p99);
            o.put("meanMicros", alone.mean);
            doc.put("outboxAppendNextAcknowledge", o);
        } catch (IOException | MqttException e) {
            err.printf("edgetwin bench mqtt: %s%n", e.getMessage());
            return 1;
        } finally {
            deleteTree(work);
        }
        if (json) {
            out.println(
                    new ObjectMapper()
                            .enable(SerializationFeature.INDENT_OUTPUT)
                            .writeValueAsString(doc));
        } else {
            print(out, doc);
        }
        out.flush();
        return 0;
    }

    private Broker startBroker(boolean useMosquitto, Path work) throws IOException {
        int port = EmbeddedBroker.freePort();
        if (useMosquitto) {
            MosquittoBroker m = MosquittoBroker.start(work.resolve("mosquitto"), port, false);
            String label =
                    m.version()
                            + ", a separate process on 127.0.0.1:"
                            + port
                            + " (persistence off)";
            return new Broker() {
                public String uri() {
                    return m.uri();
                }

                public String label() {
                    return label;
                }

                public void close() {
                    m.close();
                }
            };
        }
        EmbeddedBroker e = EmbeddedBroker.start("127.0.0.1", port);
        String label =
                "EMBEDDED Moquette in this JVM on 127.0.0.1:"
                        + port
                        + " (mosquitto not used"
                        + (broker.equals("embedded") ? "" : ": not installed")
                        + "; the broker shares this process's CPU)";
        return new Broker() {
            public String uri() {
                return e.uri();
            }

            public String label() {
                return label;
            }

            public void close() {
                e.close();
            }
        };
    }

    /** An event as the publisher sends it (its JSON with a stamp), for the bare client. */
    private static byte[] samplePayload() {
        return TwinJson.encodeEvent(
                TOPICS.site(),
                TOPICS.robotId(),
                event(123_456),
                new MessageStamp(7, 1_234_567, 1_234_560));
    }

    private static TwinEvent event(long id) {
        return new TwinEvent(
                "entered-path",
                System.currentTimeMillis() * 1_000_000L,
                id,
                "person",
                5.712,
                0.134);
    }

    /** Bare Paho: the same bytes, the same window, no outbox, no JSON; messages per second. */
    private double barePahoRate(String uri, int qos, byte[] payload) throws Exception {
        MqttAsyncClient client =
                new MqttAsyncClient(uri, "edgetwin-bench-bare-" + qos, new MemoryPersistence());
        try {
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            options.setMaxInflight(IN_FLIGHT);
            client.connect(options).waitForCompletion(10_000);
            Semaphore window = new Semaphore(IN_FLIGHT);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            IMqttActionListener release =
                    new IMqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            window.release();
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable cause) {
                            failure.compareAndSet(null, cause);
                            window.release();
                        }
                    };
            String topic = TOPICS.event();
            for (int i = 0; i < warmup; i++) {
                acquire(window, failure);
                client.publish(topic, payload, qos, false, null, release);
            }
            acquire(window, IN_FLIGHT, failure);
            window.release(IN_FLIGHT);
            long t0 = System.nanoTime();
            for (int i = 0; i < messages; i++) {
                acquire(window, failure);
                client.publish(topic, payload, qos, false, null, release);
            }
            acquire(window, IN_FLIGHT, failure);
            long elapsed = System.nanoTime() - t0;
            window.release(IN_FLIGHT);
            return messages / (elapsed / 1e9);
        } finally {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(3_000);
            }
            client.close(true);
        }
    }

    private static void acquire(Semaphore window, AtomicReference<Throwable> failure)
            throws Exception {
        acquire(window, 1, failure);
    }

    private static void acquire(Semaphore window, int permits, AtomicReference<Throwable> failure)
            throws Exception {
        if (!window.tryAcquire(permits, PHASE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
            throw new IOException("the broker did not acknowledge within 2 minutes");
        }
        Throwable t = failure.get();
        if (t != null) {
            throw new IOException("publishing failed: " + t, t);
        }
    }

    /**
     * The daemon's path: events offered to a {@link TwinPublisher} on a fresh state directory, kept
     * at most {@link #MAX_OUTSTANDING_OFFERS} ahead of the broker's acknowledgements (so none is
     * refused); messages acknowledged per second.
     */
    private double publisherRate(String uri, int qos, Path stateDir, OutboxConfig template)
            throws Exception {
        PublisherConfig config =
                PublisherConfig.defaults(uri, TOPICS, 5, stateDir)
                        .withQos(qos)
                        .withOutbox(
                                new OutboxConfig(
                                        stateDir.resolve("outbox"),
                                        template.maxBytes(),
                                        template.segmentBytes(),
                                        template.fsync()));
        try (TwinPublisher publisher = new TwinPublisher(config)) {
            awaitAcknowledged(publisher, 1); // the "online" status
            long base = publisher.published();
            offerUntilAcknowledged(publisher, base, warmup, 1);
            long t0 = System.nanoTime();
            offerUntilAcknowledged(publisher, base + warmup, messages, 1 + warmup);
            long elapsed = System.nanoTime() - t0;
            long refused = publisher.counters().eventsRefused();
            if (refused != 0) {
                throw new IOException(
                        refused + " event(s) refused by the publisher's hand-off: not a fair run");
            }
            return messages / (elapsed / 1e9);
        }
    }

    private static void offerUntilAcknowledged(
            TwinPublisher publisher, long base, int count, long firstId) throws IOException {
        long deadline = System.nanoTime() + PHASE_TIMEOUT_NANOS;
        long offered = 0;
        while (publisher.published() - base < count) {
            if (offered < count
                    && offered - (publisher.published() - base) < MAX_OUTSTANDING_OFFERS) {
                publisher.offerEvent(event(firstId + offered));
                offered++;
            } else {
                LockSupport.parkNanos(20_000);
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException(
                            "the publisher got "
                                    + (publisher.published() - base)
                                    + " of "
                                    + count
                                    + " messages acknowledged in 2 minutes");
                }
            }
        }
    }

    private static void awaitAcknowledged(TwinPublisher publisher, long n) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (publisher.published() < n) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException("the publisher did not connect within 30 s");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private record OutboxFigures(int count, double p50, double p99, double mean) {}

    /** Append + next + acknowledge of the sample payload, one message at a time, timed each. */
    private OutboxFigures outboxAlone(Path dir, FsyncPolicy policy, byte[] payload)
            throws Exception {
        OutboxMessage m = new OutboxMessage(TOPICS.event(), payload, 1, false, Priority.EVENT);
        int n = Math.max(messages, 1000);
        double[] micros = new double[n];
        try (DurableOutbox outbox =
                DurableOutbox.open(new OutboxConfig(dir, 64L << 20, 4 << 20, policy))) {
            for (int i = 0; i < warmup + n; i++) {
                long t0 = System.nanoTime();
                outbox.append(m);
                OutboxEntry e = outbox.next();
                outbox.acknowledge(e.seq());
                long t = System.nanoTime() - t0;
                if (i >= warmup) {
                    micros[i - warmup] = t / 1e3;
                }
            }
        }
        double[] sorted = micros.clone();
        Arrays.sort(sorted);
        return new OutboxFigures(
                n,
                percentile(sorted, 0.5),
                percentile(sorted, 0.99),
                Arrays.stream(micros).average().orElse(Double.NaN));
    }

    private static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static double median(List<double[]> rows, int column) {
        double[] v = column(rows, column);
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double[] column(List<double[]> rows, int column) {
        return rows.stream().mapToDouble(r -> r[column]).toArray();
    }

    private static String describe(FsyncPolicy p) {
        return switch (p.mode()) {
            case INTERVAL -> "at most every " + p.interval().toMillis() + " ms";
            case EVERY_RECORD -> "every record";
            case NEVER -> "never (the OS decides)";
        };
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    // best effort: a temp directory
                                }
                            });
        } catch (IOException e) {
            // best effort
        }
    }

    @SuppressWarnings("unchecked")
    private static void print(PrintWriter out, Map<String, Object> d) {
        out.printf(
                "edgetwin bench mqtt: %s messages per case (+%s warm-up), %s rounds, medians; %s-byte event payloads%n",
                d.get("messages"), d.get("warmup"), d.get("rounds"), d.get("payloadBytes"));
        out.printf("broker: %s%n", d.get("broker"));
        out.printf("client: %s; outbox fsync %s%n", d.get("client"), d.get("fsync"));
        out.printf("CPU: %s%n", d.get("cpu"));
        out.printf("Java: %s%n", d.get("java"));
        out.printf("%-44s %14s %14s%n", "", "QoS 0 msg/s", "QoS 1 msg/s");
        Map<String, Object> q0 = (Map<String, Object>) d.get("qos0");
        Map<String, Object> q1 = (Map<String, Object>) d.get("qos1");
        out.printf(
                "%-44s %14.0f %14.0f%n",
                "publisher with the durable outbox",
                q0.get("outboxMessagesPerSecond"),
                q1.get("outboxMessagesPerSecond"));
        out.printf(
                "%-44s %14.0f %14.0f%n",
                "bare Paho (same bytes, no outbox, no JSON)",
                q0.get("barePahoMessagesPerSecond"),
                q1.get("barePahoMessagesPerSecond"));
        out.printf(
                "%-44s %14.2f %14.2f%n",
                "time the publisher's path adds, us/message",
                q0.get("addedMicrosPerMessage"),
                q1.get("addedMicrosPerMessage"));
        out.printf(
                "rounds (outbox / bare): QoS 0 %s / %s; QoS 1 %s / %s%n",
                rounded((double[]) q0.get("outboxRounds")),
                rounded((double[]) q0.get("barePahoRounds")),
                rounded((double[]) q1.get("outboxRounds")),
                rounded((double[]) q1.get("barePahoRounds")));
        Map<String, Object> o = (Map<String, Object>) d.get("outboxAppendNextAcknowledge");
        out.printf(
                "outbox alone (append + next + acknowledge, one thread, %s messages): p50 %.2f us, p99 %.2f us, mean %.2f us%n",
                o.get("messages"), o.get("p50Micros"), o.get("p99Micros"), o.get("meanMicros"));
    }

    private static String rounded(double[] v) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(Math.round(v[i]));
        }
        return b.append(']').toString();
    }
}
