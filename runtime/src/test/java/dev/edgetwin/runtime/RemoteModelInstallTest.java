package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetwin.modelkit.ModelCache;
import dev.edgetwin.runtime.bundle.BundleTransfer;
import dev.edgetwin.runtime.bundle.ModelDeployer;
import dev.edgetwin.runtime.bundle.ModelStore;
import dev.edgetwin.runtime.bundle.RemoteModelCommands;
import dev.edgetwin.runtime.bundle.TestBundles;
import dev.edgetwin.runtime.mqtt.TestSubscriber;
import dev.edgetwin.runtime.twin.TwinSchemas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote model commands against the daemon's embedded broker while it serves 1.0.0 from the
 * simulated camera: malformed commands, an unsigned bundle, a transfer with a missing chunk and a
 * tampered chunk are refused with their reasons while 1.0.0 keeps serving; the signed 2.0.0 sent in
 * chunks is installed, activated (the daemon serves it), passes probation and is rolled back. Every
 * command sent, reply and model event is checked against its schema.
 */
@Timeout(180)
class RemoteModelInstallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 8192;

    @TempDir Path dir;

    @Test
    void chunkedSignedBundleInstallsAndRefusalsLeaveTheActiveModelServing() throws Exception {
        TestBundles.Signer signer = TestBundles.trustedSigner(dir);
        Path model = ModelCache.ensureReferenceDetector(dir.resolve("models"));
        Path copy = Files.copy(model, dir.resolve("detector-v2.onnx"));
        ModelStore store =
                ModelStore.open(dir.resolve("store"), signer.trust(), TestBundles.runtimeVersion());
        store.install(
                TestBundles.signed(dir.resolve("v1.tar"), signer.key(), "det", "1.0.0", model),
                false);
        store.activate("det", "1.0.0");
        byte[] v2 =
                Files.readAllBytes(
                        TestBundles.signed(
                                dir.resolve("v2.tar"), signer.key(), "det", "2.0.0", copy));
        byte[] unsigned =
                Files.readAllBytes(
                        TestBundles.unsigned(dir.resolve("unsigned.tar"), "det", "3.0.0", copy));
        DaemonConfig config = TestDaemons.serving("remote", model, dir);
        try (Daemon daemon = Daemon.start(config, SimulatedFeed.demo(1, 20), s -> {})) {
            store.reportTransitionsTo(daemon.modelTransitions());
            ModelDeployer deployer = new ModelDeployer(store, daemon.deploymentHost());
            try (RemoteModelCommands remote =
                            new RemoteModelCommands(
                                    store,
                                    deployer,
                                    new ModelDeployer.Probation(Duration.ofSeconds(2), 3, 0.05),
                                    new BundleTransfer.Limits(
                                            1 << 20, 64, CHUNK, Duration.ofSeconds(2)));
                    TestSubscriber sub =
                            new TestSubscriber(
                                    config.mqttUri(), "edgetwin/remote/robot-1/model/#");
                    Sender send = new Sender(config, sub)) {
                daemon.handleModelCommandsWith(remote);

                // Malformed commands: answered, nothing done.
                assertRefused(send.raw("a", "not json"), "BAD_COMMAND", "not JSON");
                assertRefused(
                        send.raw("b", "{\"id\":\"b\",\"command\":\"dance\"}"),
                        "BAD_COMMAND",
                        "unknown 'command'");
                assertRefused(
                        send.raw("c", "{\"id\":\"c\",\"command\":\"rollback\"}"),
                        "BAD_COMMAND",
                        "missing 'name'");
                assertRefused(
                        send.raw("d", "{\"id\":\"d\",\"command\":\"install\",\"path\":\"v2.tar\"}"),
                        "BAD_COMMAND",
                        "absolute path");

                // An unsigned bundle in chunks: assembled, then refused by the store.
                List<ObjectNode> u = chunks("u", unsigned);
                for (int i = 0; i < u.size() - 1; i++) {
                    assertEquals("accepted", send.command(u.get(i)).get("status").asText());
                }
                JsonNode last = send.command(u.get(u.size() - 1));
                assertRefused(last, "UNSIGNED", "not signed");
                assertEquals(u.size(), last.get("transfer").get("count").asInt());
                assertEquals("UNSIGNED", send.event("install-refused").get("reason").asText());

                // A transfer whose chunk 1 never comes: dropped after the idle timeout.
                List<ObjectNode> m = chunks("m", v2);
                for (int i = 0; i < m.size(); i++) {
                    if (i != 1) {
                        send.command(m.get(i));
                    }
                }
                JsonNode dropped = send.event("install-refused");
                assertEquals("BAD_TRANSFER", dropped.get("reason").asText());
                assertTrue(
                        dropped.get("message").asText().contains("missing: 1"), dropped.toString());

                // A tampered chunk is refused and the transfer waits for it again.
                List<ObjectNode> t = chunks("t", v2);
                assertEquals("accepted", send.command(t.get(0)).get("status").asText());
                ObjectNode tampered = t.get(1).deepCopy();
                byte[] data = Base64.getDecoder().decode(tampered.get("data").asText());
                data[100] ^= 1;
                tampered.put("data", Base64.getEncoder().encodeToString(data));
                assertRefused(send.command(tampered), "BAD_TRANSFER", "send it again");
                assertEquals("1.0.0", store.active("det").orElseThrow().version());
                assertEquals(model.getFileName().toString(), daemon.detectorHealth().model());
                assertEquals(List.of("1.0.0"), versions(store));

                // The good chunks: installed when the last one arrives.
                JsonNode done = null;
                for (int i = 1; i < t.size(); i++) {
                    done = send.command(t.get(i));
                    assertEquals("accepted", done.get("status").asText(), done.toString());
                    assertEquals(i + 1, done.get("transfer").get("received").asInt());
                }
                assertEquals("det@2.0.0", done.get("model").asText());
                assertEquals("2.0.0", send.event("installed").get("version").asText());
                assertEquals(List.of("1.0.0", "2.0.0"), versions(store));

                // Its first load in a child JVM has its own test (ModelFirstLoadTest).
                store.markChecked("det", "2.0.0");
                ObjectNode activate = JSON.createObjectNode();
                activate.put("id", "act").put("command", "activate");
                activate.put("name", "det").put("version", "2.0.0");
                assertEquals("accepted", send.command(activate).get("status").asText());
                JsonNode activated = send.event("activated");
                assertEquals("1.0.0", activated.get("from").asText());
                assertEquals("detector-v2.onnx", daemon.detectorHealth().model());
                assertEquals("2.0.0", send.event("probation-passed").get("version").asText());

                ObjectNode rollback = JSON.createObjectNode();
                rollback.put("id", "rb").put("command", "rollback").put("name", "det");
                JsonNode rolled = send.command(rollback);
                assertEquals("det@1.0.0", rolled.get("model").asText(), rolled.toString());
                assertEquals("2.0.0", send.event("rolled-back").get("from").asText());
                assertEquals(model.getFileName().toString(), daemon.detectorHealth().model());
                assertEquals(Daemon.State.READY, daemon.state());
                assertEquals(0, daemon.framesFailed());
            }
        }
    }

    private static List<String> versions(ModelStore store) throws Exception {
        List<String> v = new ArrayList<>();
        store.list().forEach(m -> v.add(m.version()));
        return v;
    }

    private static void assertRefused(JsonNode reply, String reason, String says) {
        assertEquals("rejected", reply.get("status").asText(), reply.toString());
        assertEquals(reason, reply.get("reason").asText(), reply.toString());
        assertTrue(reply.get("error").asText().contains(says), reply.toString());
    }

    /** The bundle as bundle-chunk commands of {@link #CHUNK} bytes. */
    private static List<ObjectNode> chunks(String transfer, byte[] bundle) throws Exception {
        int count = (bundle.length + CHUNK - 1) / CHUNK;
        List<ObjectNode> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] part =
                    java.util.Arrays.copyOfRange(
                            bundle, i * CHUNK, Math.min(bundle.length, (i + 1) * CHUNK));
            ObjectNode c = JSON.createObjectNode();
            c.put("schema", RemoteModelCommands.SCHEMA);
            c.put("id", transfer + "-" + i).put("command", "bundle-chunk");
            c.put("transfer", transfer).put("index", i).put("count", count);
            c.put("size", bundle.length).put("sha256", sha256(bundle));
            c.put("chunkSha256", sha256(part));
            c.put("data", Base64.getEncoder().encodeToString(part));
            out.add(c);
        }
        return out;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    /** Publishes model commands and reads the answers and events, each checked by its schema. */
    private static final class Sender implements AutoCloseable {
        private final DaemonConfig config;
        private final TestSubscriber sub;
        private final MqttClient client;
        private final List<JsonNode> events = new ArrayList<>();

        Sender(DaemonConfig config, TestSubscriber sub) throws Exception {
            this.config = config;
            this.sub = sub;
            client = new MqttClient(config.mqttUri(), "technician-tool", new MemoryPersistence());
            MqttConnectOptions o = new MqttConnectOptions();
            o.setCleanSession(true);
            client.connect(o);
        }

        JsonNode command(ObjectNode command) throws Exception {
            assertEquals(List.of(), TwinSchemas.MODEL_COMMAND.violations(command), "sent");
            return raw(command.get("id").asText(), JSON.writeValueAsString(command));
        }

        /**
         * Sends {@code text} and returns the reply to it (id {@code id}, or null if unreadable).
         */
        JsonNode raw(String id, String text) throws Exception {
            client.publish(
                    config.topics().modelCommand(),
                    text.getBytes(StandardCharsets.UTF_8),
                    1,
                    false);
            while (true) {
                TestSubscriber.Message m = sub.nextAny(60);
                assertNotNull(m, "no reply to " + id);
                if (m.topic().equals(config.topics().modelCommand())) {
                    continue; // our own command, seen through the subscription to model/#
                }
                JsonNode json = JSON.readTree(m.payload());
                if (m.topic().equals(config.topics().modelEvent())) {
                    assertEquals(List.of(), TwinSchemas.MODEL_EVENT.violations(json), m.payload());
                    events.add(json);
                    continue;
                }
                if (!m.topic().equals(config.topics().modelCommandResponse())) {
                    continue;
                }
                assertEquals(
                        List.of(),
                        TwinSchemas.MODEL_COMMAND_RESPONSE.violations(json),
                        m.payload());
                JsonNode replyId = json.get("id");
                if (replyId.isNull() || replyId.asText().equals(id)) {
                    return json;
                }
            }
        }

        /** The next model event of {@code type} (earlier ones of other types are passed over). */
        JsonNode event(String type) throws Exception {
            while (true) {
                while (!events.isEmpty()) {
                    JsonNode e = events.remove(0);
                    if (e.get("type").asText().equals(type)) {
                        return e;
                    }
                }
                TestSubscriber.Message m = sub.next(config.topics().modelEvent(), 60);
                assertNotNull(m, "no " + type + " event");
                JsonNode json = JSON.readTree(m.payload());
                assertEquals(List.of(), TwinSchemas.MODEL_EVENT.violations(json), m.payload());
                events.add(json);
            }
        }

        @Override
        public void close() throws Exception {
            client.disconnect();
            client.close();
        }
    }
}
