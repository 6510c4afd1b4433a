package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.vision.OutputLayout;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon with {@code --twin-codec sparkplug}: the simulated scene reaches a plain Paho
 * subscriber (a "host") as Sparkplug B, decoded with Tahu; nothing goes to the JSON topics.
 */
@Timeout(120)
class DaemonSparkplugTest {
    private static final long SEED = 7;

    @TempDir Path dir;

    private record Received(String topic, SparkplugBPayload payload) {}

    @Test
    void theSparkplugCodecPublishesBirthsAndDeviceData() throws Exception {
        int port = EmbeddedBroker.freePort();
        DaemonConfig config =
                new DaemonConfig(
                        "spb",
                        "robot-1",
                        "127.0.0.1",
                        port,
                        false,
                        null,
                        null,
                        dir.resolve("models"),
                        10,
                        10,
                        0.5f,
                        SEED,
                        TestProfiles.cpuFp32(),
                        dir.resolve("state"),
                        TwinCodec.SPARKPLUG,
                        EventDetector.Rules.defaults(),
                        OutputLayout.AUTO);
        BlockingQueue<Received> received = new LinkedBlockingQueue<>();
        Set<String> jsonTopics = new HashSet<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", port)) {
            MqttClient host =
                    new MqttClient(
                            "tcp://127.0.0.1:" + port,
                            "host-" + System.nanoTime(),
                            new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            host.connect(o);
            host.subscribe("edgetwin/#", 1, (topic, m) -> jsonTopics.add(topic));
            host.subscribe(
                    "spBv1.0/#",
                    1,
                    (topic, m) ->
                            received.add(
                                    new Received(
                                            topic,
                                            new SparkplugBPayloadDecoder()
                                                    .buildFromByteArray(m.getPayload(), null))));
            try (Daemon daemon = Daemon.start(config, SimulatedFeed.demo(SEED, 10), s -> {})) {
                Received nbirth = next(received, "spBv1.0/spb/NBIRTH/robot-1");
                assertEquals(0L, nbirth.payload().getSeq(), "NBIRTH has seq 0");
                Metric bdSeq =
                        nbirth.payload().getMetrics().stream()
                                .filter(m -> m.getName().equals("bdSeq"))
                                .findFirst()
                                .orElseThrow();
                assertEquals(0L, bdSeq.getValue());
                next(received, "spBv1.0/spb/DBIRTH/robot-1/twin");
                Received ddata = next(received, "spBv1.0/spb/DDATA/robot-1/twin");
                // Metrics of DATA messages carry no datatype (the host takes it from the birth),
                // so Tahu decodes them without values here; the payload's numbering is checked.
                assertTrue(ddata.payload().getSeq() > 0, "DDATA follows the births' seq");
                assertTrue(ddata.payload().getMetricCount() > 0, "DDATA carries changed metrics");
                assertTrue(daemon.statesPublished() > 0);
            } finally {
                host.disconnect(1000);
                host.close();
            }
        }
        assertEquals(Set.of(), jsonTopics, "the sparkplug codec publishes no JSON");
    }

    /** The next message on {@code topic}, skipping others; fails after 60 s. */
    private static Received next(BlockingQueue<Received> queue, String topic)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            long left = deadline - System.nanoTime();
            Received r = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            assertNotNull(r, "a message on " + topic + " within 60 s");
            if (r.topic().equals(topic)) {
                return r;
            }
        }
    }
}
