package dev.edgetwin.runtime.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.twin.TwinSchemas;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.runtime.twin.TwinTopics;
import dev.edgetwin.vision.RobotPose;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

class TwinPublisherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TwinTopics topics = new TwinTopics("test-site", "robot-7");

    private static TwinState state(long seq) {
        return new TwinState(
                "test-site",
                "robot-7",
                seq,
                seq * 1_000_000L,
                "front",
                RobotPose.ORIGIN,
                List.of(),
                new TwinState.ModelInfo("m.onnx", "00", "", "cpu", "fp32"),
                new TwinState.Health(seq, 0, seq, 1));
    }

    @Test
    void aLateSubscriberGetsTheRetainedStateAndStatusThenOfflineOnClose() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", EmbeddedBroker.freePort())) {
            TwinPublisher publisher = new TwinPublisher(broker.uri(), topics, 50);
            try (TestSubscriber early = new TestSubscriber(broker.uri(), "edgetwin/#")) {
                TestSubscriber.Message online = early.next(topics.status(), 30);
                assertNotNull(online, "status online within 30 s");
                assertEquals("online", JSON.readTree(online.payload()).get("state").asText());
                assertEquals(List.of(), TwinSchemas.STATUS.violations(online.payload()));
                publisher.offer(state(1));
                TestSubscriber.Message first = early.next(topics.state(), 30);
                assertNotNull(first, "state within 30 s");
                assertEquals(1, JSON.readTree(first.payload()).get("seq").asLong());
                assertEquals(List.of(), TwinSchemas.STATE.violations(first.payload()));
            }
            try (TestSubscriber late = new TestSubscriber(broker.uri(), topics.state())) {
                TestSubscriber.Message retained = late.next(topics.state(), 30);
                assertNotNull(retained, "the retained state reaches a late subscriber");
                JsonNode node = JSON.readTree(retained.payload());
                assertEquals("robot-7", node.get("robot").asText());
            }
            try (TestSubscriber watcher = new TestSubscriber(broker.uri(), topics.status())) {
                assertNotNull(watcher.next(topics.status(), 30), "retained online");
                publisher.close();
                publisher.close();
                TestSubscriber.Message offline = watcher.next(topics.status(), 30);
                assertNotNull(offline, "offline after close");
                assertEquals("offline", JSON.readTree(offline.payload()).get("state").asText());
                assertEquals(List.of(), TwinSchemas.STATUS.violations(offline.payload()));
            }
            assertTrue(publisher.published() >= 1);
        }
    }

    @Test
    void clientsWithAnEmptyClientIdAreAccepted() throws Exception {
        // Regression: mosquitto_sub connects with an empty id and Moquette refused it
        // ("identifier rejected").
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", EmbeddedBroker.freePort())) {
            MqttClient client = new MqttClient(broker.uri(), "", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            client.connect(options);
            assertTrue(client.isConnected());
            client.disconnect();
            client.close();
        }
    }

    @Test
    void aTakenPortIsReportedAsSuch() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedBroker.PortInUseException e =
                    assertThrows(
                            EmbeddedBroker.PortInUseException.class,
                            () -> EmbeddedBroker.start("127.0.0.1", taken.getLocalPort()));
            assertEquals(taken.getLocalPort(), e.port());
            assertTrue(e.getMessage().contains("already in use"), e.getMessage());
        }
    }
}
