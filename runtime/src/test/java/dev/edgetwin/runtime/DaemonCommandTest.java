package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.twin.CommandVerdict;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.RobotCommand;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.runtime.twin.TwinSchemas;
import dev.edgetwin.vision.OutputLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's command wiring end to end: with its embedded broker and the simulated camera, a goal
 * and a stop sent on the command topic reach the listener given to {@link Daemon#start}, a rebirth
 * re-publishes the state, garbage is answered {@code rejected}, and the twin keeps flowing.
 */
@Timeout(120)
class DaemonCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private record Message(String topic, JsonNode json, byte[] payload) {}

    @Test
    void commandsReachTheWiredListenerAndAreAnswered() throws Exception {
        int port = EmbeddedBroker.freePort();
        DaemonConfig config =
                new DaemonConfig(
                        "cmd",
                        "robot-1",
                        "127.0.0.1",
                        port,
                        true,
                        null,
                        null,
                        dir.resolve("models"),
                        10,
                        5,
                        0.5f,
                        3,
                        TestProfiles.cpuFp32(),
                        dir.resolve("state"),
                        TwinCodec.JSON,
                        EventDetector.Rules.defaults(),
                        OutputLayout.AUTO);
        List<RobotCommand> heard = new CopyOnWriteArrayList<>();
        try (Daemon daemon =
                Daemon.start(
                        config,
                        List.of(SimulatedFeed.demo(config.seed(), config.cameraFps())),
                        s -> {},
                        c -> {
                            heard.add(c);
                            return CommandVerdict.accepted();
                        })) {
            BlockingQueue<Message> got = new LinkedBlockingQueue<>();
            MqttClient client =
                    new MqttClient("tcp://127.0.0.1:" + port, "operator", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            client.connect(o);
            try {
                client.subscribe(
                        "edgetwin/cmd/robot-1/#",
                        1,
                        (t, m) ->
                                got.add(
                                        new Message(
                                                t, JSON.readTree(m.getPayload()), m.getPayload())));
                String state = config.topics().state();
                Message first = next(got, state);
                long firstSeq = first.json().get("msgSeq").asLong();

                send(
                        client,
                        config,
                        "{\"id\":\"g1\",\"command\":\"goal\",\"goal\":{\"x\":6,\"y\":1.5}}");
                assertEquals("accepted", answer(got, config).get("status").asText());
                send(client, config, "{\"id\":\"s1\",\"command\":\"stop\"}");
                assertEquals("accepted", answer(got, config).get("status").asText());
                send(client, config, "{\"id\":\"x\",\"command\":\"fly\"}");
                JsonNode rejected = answer(got, config);
                assertEquals("rejected", rejected.get("status").asText());
                assertTrue(rejected.get("error").asText().contains("unknown command \"fly\""));
                assertEquals(
                        List.of(
                                new RobotCommand.Goal("g1", 6, 1.5, Double.NaN),
                                new RobotCommand.Stop("s1")),
                        heard);

                send(client, config, "{\"id\":\"r1\",\"command\":\"rebirth\"}");
                assertEquals("accepted", answer(got, config).get("status").asText());
                // The twin keeps flowing after all of that: a later state, valid.
                Message later = next(got, state);
                assertTrue(later.json().get("msgSeq").asLong() > firstSeq);
                assertEquals(List.of(), TwinSchemas.STATE.violations(later.payload()));
                assertEquals(Daemon.State.READY, daemon.state());
            } finally {
                client.disconnect();
                client.close();
            }
        }
    }

    private static void send(MqttClient client, DaemonConfig config, String json) throws Exception {
        client.publish(config.topics().command(), json.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    private static JsonNode answer(BlockingQueue<Message> got, DaemonConfig config)
            throws InterruptedException {
        Message m = next(got, config.topics().commandResponse());
        assertEquals(List.of(), TwinSchemas.COMMAND_RESPONSE.violations(m.payload()));
        return m.json();
    }

    /** The next message on {@code topic}; others are passed over. */
    private static Message next(BlockingQueue<Message> got, String topic)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Message m = got.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertNotNull(m, "a message on " + topic + " within 60 s");
            if (m.topic().equals(topic)) {
                return m;
            }
        }
    }
}
