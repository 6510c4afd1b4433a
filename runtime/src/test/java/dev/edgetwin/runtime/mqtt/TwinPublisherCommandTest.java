package dev.edgetwin.runtime.mqtt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.twin.CommandListener;
import dev.edgetwin.runtime.twin.CommandVerdict;
import dev.edgetwin.runtime.twin.RobotCommand;
import dev.edgetwin.runtime.twin.TwinEvent;
import dev.edgetwin.runtime.twin.TwinSchemas;
import dev.edgetwin.runtime.twin.TwinState;
import dev.edgetwin.runtime.twin.TwinTopics;
import dev.edgetwin.vision.RobotPose;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands on the robot's command topic, against the embedded broker: every command, valid or not,
 * is answered on the response topic (each answer valid against its schema); goal and stop reach the
 * listener; garbage, unknown commands and a throwing listener leave the publisher publishing;
 * rebirth publishes the status and the latest state again.
 */
class TwinPublisherCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOST = "127.0.0.1";
    private final TwinTopics topics = new TwinTopics("test-site", "robot-7");

    @TempDir Path dir;

    private PublisherConfig config(String uri) {
        return PublisherConfig.defaults(uri, topics, 50, dir.resolve("state"))
                .withTimings(Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofMillis(400));
    }

    private static MqttClient sender(String uri) throws Exception {
        MqttClient c = new MqttClient(uri, "command-sender", new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        c.connect(o);
        return c;
    }

    /** Waits for the publisher's "online": its command subscription was sent before it. */
    private static void awaitOnline(String uri, TwinTopics topics) throws Exception {
        try (TestSubscriber status = new TestSubscriber(uri, topics.status())) {
            for (int i = 0; i < 10; i++) {
                TestSubscriber.Message m = status.next(topics.status(), 30);
                assertNotNull(m, "the publisher's status");
                if (m.payload().contains("\"online\"")) {
                    return;
                }
            }
        }
        throw new AssertionError("the publisher did not come online");
    }

    /** One command sent and the answer it must get. */
    private record Exchange(byte[] payload, String status, String id, String command, String says) {
        static Exchange of(String json, String status, String id, String command, String says) {
            return new Exchange(json.getBytes(StandardCharsets.UTF_8), status, id, command, says);
        }
    }

    @Test
    void everyCommandIsAnsweredAndGoalAndStopReachTheListener() throws Exception {
        List<RobotCommand> heard = new CopyOnWriteArrayList<>();
        CommandListener listener =
                command -> {
                    heard.add(command);
                    if (command.id().equals("boom")) {
                        throw new IllegalStateException("the planner fell over");
                    }
                    if (command instanceof RobotCommand.Goal g && Math.abs(g.x()) > 100) {
                        return CommandVerdict.rejected("goal outside the map (x " + g.x() + ")");
                    }
                    return CommandVerdict.accepted();
                };
        List<Exchange> exchanges =
                List.of(
                        new Exchange(
                                new byte[] {(byte) 0xff, 0, 1},
                                "rejected",
                                null,
                                null,
                                "not UTF-8"),
                        Exchange.of("stop now", "rejected", null, null, "not JSON"),
                        Exchange.of(
                                "{\"id\":\"u1\",\"command\":\"dance\"}",
                                "rejected",
                                "u1",
                                null,
                                "unknown command \"dance\""),
                        Exchange.of(
                                "{\"id\":\"g0\",\"command\":\"goal\",\"goal\":{\"x\":1}}",
                                "rejected",
                                "g0",
                                "goal",
                                "missing 'goal.y'"),
                        Exchange.of(
                                "{\"id\":\"g1\",\"command\":\"goal\",\"goal\":{\"x\":4.5,\"y\":-1.25,\"yaw\":0.5}}",
                                "accepted",
                                "g1",
                                "goal",
                                null),
                        Exchange.of(
                                "{\"id\":\"g2\",\"command\":\"goal\",\"goal\":{\"x\":999,\"y\":0}}",
                                "rejected",
                                "g2",
                                "goal",
                                "goal outside the map (x 999.0)"),
                        Exchange.of(
                                "{\"id\":\"boom\",\"command\":\"stop\"}",
                                "unavailable",
                                "boom",
                                "stop",
                                "the command handler failed: IllegalStateException"),
                        Exchange.of(
                                "{\"id\":\"s1\",\"command\":\"stop\"}",
                                "accepted",
                                "s1",
                                "stop",
                                null));
        int port = EmbeddedBroker.freePort();
        try (EmbeddedBroker broker = EmbeddedBroker.start(HOST, port);
                TwinPublisher publisher = new TwinPublisher(config(broker.uri()), listener)) {
            awaitOnline(broker.uri(), topics);
            MqttClient sender = sender(broker.uri());
            try (TestSubscriber responses =
                            new TestSubscriber(broker.uri(), topics.commandResponse());
                    TestSubscriber events = new TestSubscriber(broker.uri(), topics.event())) {
                long lastSeq = 0;
                for (Exchange x : exchanges) {
                    sender.publish(topics.command(), x.payload(), 1, false);
                    TestSubscriber.Message m = responses.next(topics.commandResponse(), 30);
                    assertNotNull(
                            m, "an answer to " + new String(x.payload(), StandardCharsets.UTF_8));
                    assertEquals(List.of(), TwinSchemas.COMMAND_RESPONSE.violations(m.payload()));
                    JsonNode r = JSON.readTree(m.payload());
                    String what = m.payload();
                    assertEquals(x.status(), r.get("status").asText(), what);
                    assertEquals(x.id(), r.get("id").isNull() ? null : r.get("id").asText(), what);
                    assertEquals(
                            x.command(),
                            r.get("command").isNull() ? null : r.get("command").asText(),
                            what);
                    if (x.says() == null) {
                        assertTrue(!r.has("error"), what);
                    } else {
                        assertTrue(r.get("error").asText().contains(x.says()), what);
                    }
                    assertTrue(r.get("msgSeq").asLong() > lastSeq, "numbered in order: " + what);
                    assertEquals(lastSeq, r.get("prevMsgSeq").asLong(), "chained on its topic");
                    lastSeq = r.get("msgSeq").asLong();
                }
                assertEquals(
                        List.of(
                                new RobotCommand.Goal("g1", 4.5, -1.25, 0.5),
                                new RobotCommand.Goal("g2", 999, 0, Double.NaN),
                                new RobotCommand.Stop("boom"),
                                new RobotCommand.Stop("s1")),
                        heard);
                assertEquals(exchanges.size(), publisher.commandsReceived());

                // Still publishing after all that.
                publisher.offerEvent(new TwinEvent("appeared", 5_000_000L, 9, "box", 1, 2));
                TestSubscriber.Message event = events.next(topics.event(), 30);
                assertNotNull(event, "an event after the bad commands");
                assertEquals(List.of(), TwinSchemas.EVENT.violations(event.payload()));
            } finally {
                sender.disconnect();
                sender.close();
            }
        }
    }

    @Test
    void rebirthPublishesTheStatusAndTheLatestStateAgainAndUnwiredGoalsAreUnavailable()
            throws Exception {
        int port = EmbeddedBroker.freePort();
        try (EmbeddedBroker broker = EmbeddedBroker.start(HOST, port);
                TwinPublisher publisher = new TwinPublisher(config(broker.uri()))) {
            awaitOnline(broker.uri(), topics);
            MqttClient sender = sender(broker.uri());
            try (TestSubscriber states = new TestSubscriber(broker.uri(), topics.state());
                    TestSubscriber statuses = new TestSubscriber(broker.uri(), topics.status());
                    TestSubscriber responses =
                            new TestSubscriber(broker.uri(), topics.commandResponse())) {
                publisher.offer(state(5));
                TestSubscriber.Message first = states.next(topics.state(), 30);
                assertNotNull(first);
                JsonNode before = JSON.readTree(first.payload());
                assertEquals(5, before.get("seq").asLong());
                statuses.next(topics.status(), 30); // the retained "online"

                sender.publish(
                        topics.command(),
                        "{\"id\":\"r1\",\"command\":\"rebirth\"}".getBytes(StandardCharsets.UTF_8),
                        1,
                        false);
                JsonNode answer =
                        JSON.readTree(responses.next(topics.commandResponse(), 30).payload());
                assertEquals("accepted", answer.get("status").asText());
                assertEquals("rebirth", answer.get("command").asText());

                TestSubscriber.Message again = states.next(topics.state(), 30);
                assertNotNull(again, "the state published again");
                assertEquals(List.of(), TwinSchemas.STATE.violations(again.payload()));
                JsonNode after = JSON.readTree(again.payload());
                assertEquals(5, after.get("seq").asLong(), "the same frame's state");
                assertTrue(after.get("msgSeq").asLong() > before.get("msgSeq").asLong());
                assertEquals(before.get("msgSeq").asLong(), after.get("prevMsgSeq").asLong());
                TestSubscriber.Message status = statuses.next(topics.status(), 30);
                assertNotNull(status, "the status published again");
                assertEquals(List.of(), TwinSchemas.STATUS.violations(status.payload()));
                assertEquals("online", JSON.readTree(status.payload()).get("state").asText());

                sender.publish(
                        topics.command(),
                        "{\"id\":\"g\",\"command\":\"goal\",\"goal\":{\"x\":1,\"y\":2}}"
                                .getBytes(StandardCharsets.UTF_8),
                        1,
                        false);
                JsonNode goal =
                        JSON.readTree(responses.next(topics.commandResponse(), 30).payload());
                assertEquals("unavailable", goal.get("status").asText());
                assertTrue(
                        goal.get("error").asText().contains("no planner is wired"),
                        goal.toString());
            } finally {
                sender.disconnect();
                sender.close();
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
}
