package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.vision.OutputLayout;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon against a broker and a subscriber we did not write: Debian's Mosquitto and
 * mosquitto_sub. Needs {@code apt-get install mosquitto mosquitto-clients}; runs with -Pinterop.
 */
@Tag("interop")
class MosquittoInteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void mosquittoSubReceivesTwinStatesFromTheDaemon() throws Exception {
        int port = EmbeddedBroker.freePort();
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(
                conf, "listener " + port + " 127.0.0.1\nallow_anonymous true\npersistence false\n");
        Process mosquitto =
                new ProcessBuilder("mosquitto", "-c", conf.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("mosquitto.log").toFile())
                        .start();
        try {
            awaitListening(port, mosquitto);
            DaemonConfig config =
                    new DaemonConfig(
                            "interop",
                            "robot-9",
                            "127.0.0.1",
                            port,
                            false,
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
            List<String> lines;
            try (Daemon daemon = Daemon.start(config)) {
                lines = mosquittoSub(port, 4);
            }
            String stateTopic = config.topics().state();
            List<String> states =
                    lines.stream().filter(l -> l.startsWith(stateTopic + " ")).toList();
            assertTrue(states.size() >= 2, "twin states among " + lines);
            for (String line : states) {
                JsonNode state = JSON.readTree(line.substring(stateTopic.length() + 1));
                assertEquals("robot-9", state.get("robot").asText());
                assertTrue(state.get("objects").isArray());
            }
            assertTrue(
                    lines.stream().anyMatch(l -> l.startsWith(config.topics().status() + " ")),
                    "the retained status: " + lines);
        } finally {
            mosquitto.destroy();
            mosquitto.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void mosquittoSubReadsTheEmbeddedBroker() throws Exception {
        int port = EmbeddedBroker.freePort();
        DaemonConfig config =
                new DaemonConfig(
                        "interop",
                        "robot-8",
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
        List<String> lines;
        try (Daemon daemon = Daemon.start(config)) {
            lines = mosquittoSub(port, 3);
        }
        assertTrue(
                lines.stream().anyMatch(l -> l.startsWith(config.topics().state() + " {")),
                "twin states among " + lines);
    }

    /**
     * Runs mosquitto_sub on the robots' states and statuses until it has {@code count} messages
     * (events, which the daemon also publishes, would crowd out the states being checked).
     */
    private List<String> mosquittoSub(int port, int count)
            throws IOException, InterruptedException {
        Path err = dir.resolve("sub-" + port + ".err");
        Process sub =
                new ProcessBuilder(
                                "mosquitto_sub",
                                "-h",
                                "127.0.0.1",
                                "-p",
                                Integer.toString(port),
                                "-t",
                                "edgetwin/+/+/twin/state",
                                "-t",
                                "edgetwin/+/+/status",
                                "-v",
                                "-C",
                                Integer.toString(count),
                                "-W",
                                "60")
                        .redirectError(err.toFile())
                        .start();
        List<String> lines =
                new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .lines()
                        .toList();
        assertTrue(sub.waitFor(90, TimeUnit.SECONDS), "mosquitto_sub finished");
        assertEquals(
                0,
                sub.exitValue(),
                "mosquitto_sub got " + count + " messages: " + lines + " " + Files.readString(err));
        return lines;
    }

    /** Waits for Mosquitto to accept connections: it has no readiness signal we can wait on. */
    private static void awaitListening(int port, Process mosquitto)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!mosquitto.isAlive()) {
                throw new IOException("mosquitto exited with " + mosquitto.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                mosquitto.waitFor(50, TimeUnit.MILLISECONDS);
            }
        }
        throw new IOException("mosquitto did not listen on " + port + " within 20 s");
    }
}
