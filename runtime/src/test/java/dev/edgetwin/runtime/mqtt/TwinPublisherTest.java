package dev.edgetwin.runtime.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.mqtt.outbox.Priority;
import dev.edgetwin.runtime.twin.TwinEvent;
import dev.edgetwin.runtime.twin.TwinSchemas;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.runtime.twin.TwinTopics;
import dev.edgetwin.vision.RobotPose;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TwinPublisherTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "127.0.0.1";
    private final TwinTopics topics = new TwinTopics("test-site", "robot-7");
    private final String robotFilter = "edgetwin/test-site/robot-7/#";

    @TempDir Path dir;

    /** Fast reconnection, so that the tests do not wait for the production backoff. */
    private PublisherConfig config(String uri, Path stateDir) {
        return PublisherConfig.defaults(uri, topics, 50, stateDir)
                .withTimings(Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(400));
    }

    private static TwinEvent event(int i) {
        return new TwinEvent("appeared", i * 1_000_000L, i, "box", 1.5, -0.25);
    }

    /** Polls {@code condition} every 10 ms for at most {@code millis}; whether it held. */
    private static boolean eventually(BooleanSupplier condition, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            LockSupport.parkNanos(10_000_000L);
        }
        return true;
    }

    private static List<PersistentSubscriber.Received> on(
            List<PersistentSubscriber.Received> all, String topic) {
        return all.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** The distinct event object ids received (events carry their number as object id). */
    private static Set<Long> eventIds(List<PersistentSubscriber.Received> all, String topic) {
        Set<Long> ids = new TreeSet<>();
        for (PersistentSubscriber.Received r : on(all, topic)) {
            ids.add(r.json().get("object").get("id").asLong());
        }
        return ids;
    }

    private static Set<Long> range(long from, long to) {
        Set<Long> s = new TreeSet<>();
        for (long i = from; i <= to; i++) {
            s.add(i);
        }
        return s;
    }

    /**
     * Every message validates; duplicates (same epoch and msgSeq) are identical; with duplicates
     * removed, msgSeq strictly increases per topic and each message's prevMsgSeq is the msgSeq of
     * the previous one on its topic (or 0 where a publisher started): no message lost. Returns the
     * number of duplicates.
     */
    private static int checkNoneLostInOrder(List<PersistentSubscriber.Received> all) {
        Map<String, Long> last = new HashMap<>();
        Map<Long, String> seen = new HashMap<>();
        int duplicates = 0;
        for (PersistentSubscriber.Received r : all) {
            TwinSchemas schema =
                    r.topic().endsWith("/status")
                            ? TwinSchemas.STATUS
                            : r.topic().endsWith("/event") ? TwinSchemas.EVENT : TwinSchemas.STATE;
            assertEquals(List.of(), schema.violations(r.payload()), r.topic());
            if (!r.json().has("msgSeq")) {
                // The Last Will (the broker may fire it as it goes down): no sequence number.
                assertTrue(r.topic().endsWith("/status"), r.topic());
                assertEquals("offline", r.json().get("state").asText());
                continue;
            }
            long seq = r.json().get("msgSeq").asLong();
            String text = new String(r.payload(), StandardCharsets.UTF_8);
            String before = seen.putIfAbsent(seq, text);
            if (before != null) {
                assertEquals(before, text, "a duplicate is the same message");
                duplicates++;
                continue;
            }
            long prev = r.json().get("prevMsgSeq").asLong();
            Long lastOnTopic = last.get(r.topic());
            if (lastOnTopic != null && prev != 0) {
                assertEquals(lastOnTopic.longValue(), prev, "gap before msgSeq " + seq);
            }
            if (lastOnTopic != null) {
                assertTrue(seq > lastOnTopic, "msgSeq " + seq + " after " + lastOnTopic);
            }
            last.put(r.topic(), seq);
        }
        return duplicates;
    }

    @Test
    void eventsPublishedWhileTheBrokerWasDownReachAPersistentSubscriberInOrder() throws Exception {
        int port = EmbeddedBroker.freePort();
        Path brokerData = dir.resolve("broker");
        EmbeddedBroker first = EmbeddedBroker.start(HOST, port, brokerData);
        EmbeddedBroker second = null;
        String uri = first.uri();
        try (PersistentSubscriber sub =
                        new PersistentSubscriber(uri, "persistent-sub", robotFilter);
                TwinPublisher publisher = new TwinPublisher(config(uri, dir.resolve("state")))) {
            for (int i = 1; i <= 5; i++) {
                publisher.offerEvent(event(i));
            }
            sub.await(r -> eventIds(r, topics.event()).size() == 5, 30_000);
            assertEquals(range(1, 5), eventIds(sub.received(), topics.event()));
            long epochBefore = publisher.epoch();

            first.close();
            assertTrue(eventually(() -> !publisher.isConnected(), 30_000), "publisher noticed");
            int n = 200;
            for (int i = 6; i <= n; i++) {
                publisher.offerEvent(event(i));
            }
            assertTrue(
                    eventually(
                            () -> publisher.counters().outbox().backlogRecords() >= n - 5, 30_000),
                    "the events wait in the outbox");
            assertTrue(
                    publisher.delivery().backlog() >= n - 5,
                    "health's outboxBacklog is the outbox's backlog: " + publisher.delivery());

            second = EmbeddedBroker.start(HOST, port, brokerData);
            sub.reconnect();
            // The new session's "online" may come after the replayed backlog: wait for both.
            List<PersistentSubscriber.Received> all =
                    sub.await(
                            r ->
                                    eventIds(r, topics.event()).size() == n
                                            && on(r, topics.status()).stream()
                                                    .anyMatch(
                                                            m ->
                                                                    m.json().has("msgSeq")
                                                                            && m.json()
                                                                                            .get(
                                                                                                    "epoch")
                                                                                            .asLong()
                                                                                    > epochBefore),
                            30_000);
            assertEquals(range(1, n), eventIds(all, topics.event()), "every event, none lost");
            int duplicates = checkNoneLostInOrder(all);
            assertTrue(duplicates >= 0);
            assertTrue(publisher.epoch() > epochBefore, "a new epoch after the reconnect");
            List<Long> onlineEpochs =
                    on(all, topics.status()).stream()
                            .filter(r -> r.json().get("state").asText().equals("online"))
                            .map(r -> r.json().get("epoch").asLong())
                            .distinct()
                            .toList();
            // The new session announced itself with its own epoch. The first session's "online"
            // may race the subscriber's own subscription (it then only comes retained, and the
            // new one replaces it), so it is allowed but not required.
            assertTrue(onlineEpochs.contains(publisher.epoch()), onlineEpochs.toString());
            assertTrue(
                    List.of(epochBefore, publisher.epoch()).containsAll(onlineEpochs),
                    onlineEpochs.toString());
            assertEquals(0, publisher.counters().outbox().dropped(Priority.EVENT));
        } finally {
            if (second != null) {
                second.close();
            }
            first.close();
        }
    }

    @Test
    void aPublisherRestartedOnTheSameOutboxReplaysWhatWasNotAcknowledged() throws Exception {
        int port = EmbeddedBroker.freePort();
        Path state = dir.resolve("state");
        String uri = "tcp://" + HOST + ":" + port;
        long firstEpoch;
        int n = 100;
        // No broker at all: everything stays in the outbox.
        try (TwinPublisher publisher = new TwinPublisher(config(uri, state))) {
            firstEpoch = publisher.epoch();
            for (int i = 1; i <= n; i++) {
                publisher.offerEvent(event(i));
            }
            publisher.offer(state(1));
            assertTrue(
                    eventually(
                            () -> publisher.counters().outbox().backlogRecords() >= n + 1, 30_000));
        }
        try (EmbeddedBroker broker = EmbeddedBroker.start(HOST, port);
                PersistentSubscriber sub = new PersistentSubscriber(uri, "sub-2", robotFilter);
                TwinPublisher publisher = new TwinPublisher(config(uri, state))) {
            assertEquals(firstEpoch + 1, publisher.epoch(), "a restart takes a new epoch");
            List<PersistentSubscriber.Received> all =
                    sub.await(
                            r ->
                                    eventIds(r, topics.event()).size() == n
                                            && !on(r, topics.state()).isEmpty()
                                            && on(r, topics.status()).stream()
                                                    .anyMatch(
                                                            m ->
                                                                    m.json().get("epoch").asLong()
                                                                            == firstEpoch + 1),
                            30_000);
            assertEquals(range(1, n), eventIds(all, topics.event()));
            checkNoneLostInOrder(all);
            for (PersistentSubscriber.Received r : on(all, topics.event())) {
                assertEquals(firstEpoch, r.json().get("epoch").asLong(), "stamped when created");
            }
            // The offline status of the first run (never sent) comes before the new online one.
            List<String> statuses =
                    on(all, topics.status()).stream()
                            .map(r -> r.json().get("state").asText())
                            .toList();
            assertEquals("online", statuses.get(statuses.size() - 1), statuses.toString());
            assertTrue(statuses.contains("offline"), statuses.toString());
            assertTrue(
                    eventually(() -> publisher.counters().outbox().backlogRecords() == 0, 30_000),
                    "everything acknowledged");
        }
    }

    @Test
    void aBrokerThatNeverAnswersConnackIsDroppedAndTriedAgain() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor =
                    new Thread(
                            () -> {
                                try {
                                    while (true) {
                                        accepted.add(silent.accept());
                                    }
                                } catch (IOException e) {
                                    // closed
                                }
                            });
            acceptor.setDaemon(true);
            acceptor.start();
            PublisherConfig config =
                    PublisherConfig.defaults(
                                    "tcp://" + HOST + ":" + silent.getLocalPort(),
                                    topics,
                                    50,
                                    dir.resolve("state"))
                            .withTimings(
                                    Duration.ofSeconds(1),
                                    Duration.ofMillis(50),
                                    Duration.ofMillis(100));
            try (TwinPublisher publisher = new TwinPublisher(config)) {
                assertTrue(
                        eventually(() -> accepted.size() >= 2, 30_000),
                        "a second connection after the CONNACK timeout");
                assertEquals(0, publisher.counters().connects());
            }
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

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
            TwinPublisher publisher = new TwinPublisher(config(broker.uri(), dir));
            try (TestSubscriber early = new TestSubscriber(broker.uri(), "edgetwin/#")) {
                TestSubscriber.Message online = early.next(topics.status(), 30);
                assertNotNull(online, "status online within 30 s");
                assertEquals("online", JSON.readTree(online.payload()).get("state").asText());
                assertEquals(List.of(), TwinSchemas.STATUS.violations(online.payload()));
                assertEquals(1, JSON.readTree(online.payload()).get("epoch").asLong());
                publisher.offer(state(1));
                TestSubscriber.Message first = early.next(topics.state(), 30);
                assertNotNull(first, "state within 30 s");
                JsonNode firstJson = JSON.readTree(first.payload());
                assertEquals(1, firstJson.get("seq").asLong());
                assertEquals(1, firstJson.get("epoch").asLong());
                assertTrue(
                        firstJson.get("msgSeq").asLong()
                                > JSON.readTree(online.payload()).get("msgSeq").asLong());
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
