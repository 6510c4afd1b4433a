package dev.edgetwin.runtime.sparkplug;

import static dev.edgetwin.runtime.sparkplug.TwinStates.lostBox;
import static dev.edgetwin.runtime.sparkplug.TwinStates.person;
import static dev.edgetwin.runtime.sparkplug.TwinStates.state;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.vision.RobotPose;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The edge node against the embedded broker, seen by a plain Paho subscriber (a "host"). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparkplugPublisherTest {
    private static final long WAIT_SECONDS = 30;
    private static final RobotPose POSE = new RobotPose(1, 2, 0);

    /** A received Sparkplug message, decoded by topic: type, device, payload. */
    record Received(String type, String device, SparkplugBPayload payload, byte[] raw) {
        long seq() {
            return payload.getSeq();
        }

        long bdSeq() {
            return SparkplugSessionTest.bdSeqOf(payload);
        }

        @Override
        public String toString() {
            return type + (device == null ? "" : "/" + device);
        }
    }

    /** Subscribes to spBv1.0/# and keeps every message, binary-safe. */
    static final class Host implements AutoCloseable {
        final MqttClient client;
        final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

        Host(String uri) throws MqttException {
            client = new MqttClient(uri, "host-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            client.connect(o);
            client.subscribe(
                    "spBv1.0/#",
                    1,
                    (topic, m) -> {
                        String[] t = topic.split("/");
                        if (t[2].endsWith("CMD")) {
                            return; // our own commands
                        }
                        SparkplugBPayload p =
                                new SparkplugBPayloadDecoder()
                                        .buildFromByteArray(m.getPayload(), null);
                        received.add(
                                new Received(t[2], t.length > 4 ? t[4] : null, p, m.getPayload()));
                    });
        }

        /** The next message of {@code type}, skipping others; fails after the wait. */
        Received next(String type) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (true) {
                long left = deadline - System.nanoTime();
                Received r = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
                assertNotNull(r, "no " + type + " within " + WAIT_SECONDS + " s");
                if (r.type().equals(type)) {
                    return r;
                }
            }
        }

        /** The next {@code n} messages, whatever they are. */
        List<Received> take(int n) throws InterruptedException {
            List<Received> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Received r = received.poll(WAIT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(r, "only " + out + " within " + WAIT_SECONDS + " s");
                out.add(r);
            }
            return out;
        }

        void command(String topic, byte[] payload) throws MqttException {
            client.publish(topic, payload, 1, false);
        }

        @Override
        public void close() throws MqttException {
            if (client.isConnected()) {
                client.disconnect(1000);
            }
            client.close(true);
        }
    }

    private static SparkplugConfig config(EmbeddedBroker broker) {
        return new SparkplugConfig(
                broker.uri(), "site-a", "robot-7", "edge-" + System.nanoTime(), 50, 30, 0);
    }

    @Test
    void aHostReceivesNbirthThenDbirthsThenDataThenNdeathOnClose() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", EmbeddedBroker.freePort());
                Host host = new Host(broker.uri())) {
            SparkplugPublisher edge = SparkplugPublisher.start(config(broker));
            try {
                edge.offer(state(1, POSE, person(12, 9.0), lostBox(3)));
                Received nbirth = host.next("NBIRTH");
                assertEquals(0, nbirth.seq());
                assertEquals(edge.bdSeq(), nbirth.bdSeq());
                // The state may arrive before or after the connection: births come first either
                // way, then the three devices are born in order.
                List<Received> births = host.take(3);
                assertEquals("[DBIRTH/twin, DBIRTH/object-12, DBIRTH/object-3]", births.toString());
                for (int i = 0; i < 3; i++) {
                    assertEquals(i + 1, births.get(i).seq());
                }

                edge.offer(state(2, POSE, person(12, 9.5)));
                List<Received> next = host.take(3);
                assertEquals("[DDEATH/object-3, DDATA/twin, DDATA/object-12]", next.toString());
                assertEquals(List.of(4L, 5L, 6L), next.stream().map(Received::seq).toList());
                assertEquals(0, next.get(0).payload().getMetricCount());
            } finally {
                edge.close();
                edge.close();
            }
            Received ndeath = host.next("NDEATH");
            assertNull(ndeath.payload().getSeq());
            assertEquals(edge.bdSeq(), ndeath.bdSeq(), "a clean close sends the NDEATH itself");
        }
    }

    @Test
    void aRebirthCommandRepublishesAllBirthsAndBadCommandsAreIgnored() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", EmbeddedBroker.freePort());
                Host host = new Host(broker.uri());
                SparkplugPublisher edge = SparkplugPublisher.start(config(broker))) {
            edge.offer(state(1, POSE, person(12, 9.0)));
            Received first = host.next("NBIRTH");
            host.next("DBIRTH");
            host.next("DBIRTH");
            String ncmd = "spBv1.0/site-a/NCMD/robot-7";

            // Garbage, an unknown metric, and Rebirth = false: logged and ignored.
            host.command(ncmd, new byte[] {(byte) 0xff, (byte) 0xff, 0x00, 0x42});
            host.command(
                    ncmd,
                    SparkplugSessionTest.cmd(
                            "Node Control/Reboot",
                            org.eclipse.tahu.message.model.MetricDataType.Boolean,
                            true));
            host.command(ncmd, SparkplugSessionTest.rebirth(false));
            host.command(ncmd, SparkplugSessionTest.rebirth(true));

            Received again = host.next("NBIRTH");
            assertEquals(0, again.seq());
            assertEquals(first.bdSeq(), again.bdSeq(), "a rebirth keeps the bdSeq");
            List<Received> births = host.take(2);
            assertEquals("[DBIRTH/twin, DBIRTH/object-12]", births.toString());
            assertEquals(List.of(1L, 2L), births.stream().map(Received::seq).toList());
            assertEquals(1, edge.rebirths());
            assertEquals(3, edge.commandsIgnored());
            assertTrue(edge.isConnected(), "bad commands did not cost the connection");
            assertEquals(1, edge.connects());
        }
    }

    @Test
    void aDroppedConnectionMakesTheBrokerPublishTheNdeathOfThatBirth() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", EmbeddedBroker.freePort());
                Host host = new Host(broker.uri());
                SparkplugPublisher edge = SparkplugPublisher.start(config(broker))) {
            Received nbirth = host.next("NBIRTH");
            edge.dropConnectionAbruptly();

            Received ndeath = host.next("NDEATH");
            assertEquals(nbirth.bdSeq(), ndeath.bdSeq(), "the Will carries the NBIRTH's bdSeq");
            assertNull(ndeath.payload().getSeq());

            Received reborn = host.next("NBIRTH");
            assertEquals((nbirth.bdSeq() + 1) % 256, reborn.bdSeq(), "one more connect attempt");
            assertEquals(0, reborn.seq());
        }
    }

    @Test
    void afterABrokerRestartTheNodeIsBornAgainWithTheNextBdSeq() throws Exception {
        int port = EmbeddedBroker.freePort();
        EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", port);
        SparkplugPublisher edge = null;
        try {
            long firstBdSeq;
            // Subscribe before the edge starts: an NBIRTH is not retained, and under load the
            // edge connected and sent it before the host's subscription was in place.
            try (Host host = new Host(broker.uri())) {
                edge = SparkplugPublisher.start(config(broker));
                edge.offer(state(1, POSE, person(12, 9.0)));
                firstBdSeq = host.next("NBIRTH").bdSeq();
            }
            broker.close();
            broker = EmbeddedBroker.start("127.0.0.1", port);
            try (Host host = new Host(broker.uri())) {
                Received nbirth = host.next("NBIRTH");
                long attempts = Math.floorMod(nbirth.bdSeq() - firstBdSeq, 256);
                assertTrue(
                        attempts >= 1, "bdSeq moved on: " + firstBdSeq + " -> " + nbirth.bdSeq());
                assertEquals(edge.bdSeq(), nbirth.bdSeq());
                assertEquals(0, nbirth.seq());
                // The devices of the newest state are born again.
                assertEquals("[DBIRTH/twin, DBIRTH/object-12]", host.take(2).toString());
            }
        } finally {
            if (edge != null) {
                edge.close();
            }
            broker.close();
        }
    }
}
