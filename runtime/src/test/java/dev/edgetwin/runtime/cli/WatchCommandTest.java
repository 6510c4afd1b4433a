package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.mqtt.PublisherConfig;
import dev.edgetwin.runtime.mqtt.TestSubscriber;
import dev.edgetwin.runtime.mqtt.TwinPublisher;
import dev.edgetwin.runtime.twin.MessageStamp;
import dev.edgetwin.runtime.twin.TwinEvent;
import dev.edgetwin.runtime.twin.TwinJson;
import dev.edgetwin.runtime.twin.TwinTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class WatchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TwinTopics topics = new TwinTopics("plant", "robot-9");

    @TempDir Path dir;

    @Test
    void watchShowsTheTwinAndCountsAnInjectedDuplicateAndGap() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", EmbeddedBroker.freePort());
                TestSubscriber events = new TestSubscriber(broker.uri(), topics.event());
                TwinPublisher publisher =
                        new TwinPublisher(
                                PublisherConfig.defaults(broker.uri(), topics, 50, dir)
                                        .withTimings(
                                                Duration.ofSeconds(2),
                                                Duration.ofMillis(50),
                                                Duration.ofMillis(200)))) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new Main());
            cli.setOut(new PrintWriter(out));
            cli.setErr(new PrintWriter(err));
            // status + 3 events + the duplicate + the injected one after a gap
            CompletableFuture<Integer> watch =
                    CompletableFuture.supplyAsync(
                            () ->
                                    cli.execute(
                                            "watch",
                                            "--mqtt-port",
                                            Integer.toString(broker.port()),
                                            "--robot",
                                            "robot-9",
                                            "--json",
                                            "--count",
                                            "6",
                                            "--timeout",
                                            "30"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!out.toString().contains("/status\"") && System.nanoTime() < deadline) {
                LockSupport.parkNanos(10_000_000L);
            }
            // The online status is retained: once the watcher has it, it is subscribed.
            assertTrue(out.toString().contains("/status"), "the watcher got the status: " + err);

            for (int i = 1; i <= 3; i++) {
                publisher.offerEvent(new TwinEvent("appeared", i * 1_000L, i, "box", 0, 0));
            }
            String third = null;
            for (int i = 1; i <= 3; i++) {
                TestSubscriber.Message m = events.next(topics.event(), 30);
                assertNotNull(m, "event " + i);
                third = m.payload();
            }
            JsonNode last = JSON.readTree(third);
            MqttClient injector = new MqttClient(broker.uri(), "injector", new MemoryPersistence());
            injector.connect();
            // A duplicate: the same payload again.
            injector.publish(topics.event(), third.getBytes(StandardCharsets.UTF_8), 1, false);
            // A gap: the next event claims to follow one the watcher never got.
            long seq = last.get("msgSeq").asLong();
            byte[] afterGap =
                    TwinJson.encodeEvent(
                            "plant",
                            "robot-9",
                            new TwinEvent("left", 5_000L, 1, "box", 0, 0),
                            new MessageStamp(last.get("epoch").asLong(), seq + 2, seq + 1));
            injector.publish(topics.event(), afterGap, 1, false);
            injector.disconnect();
            injector.close();

            assertEquals(0, watch.get(60, TimeUnit.SECONDS), err.toString());
            List<JsonNode> lines = new ArrayList<>();
            for (String line : out.toString().split("\n")) {
                lines.add(JSON.readTree(line));
            }
            List<String> verdicts = new ArrayList<>();
            for (JsonNode line : lines) {
                if (line.has("verdict")) {
                    verdicts.add(line.get("verdict").asText());
                }
            }
            assertEquals(
                    List.of("in_order", "in_order", "in_order", "in_order", "duplicate", "gap"),
                    verdicts,
                    out.toString());
            JsonNode summary = lines.get(lines.size() - 1).get("summary");
            assertNotNull(summary, out.toString());
            assertEquals(6, summary.get("messages").asLong());
            assertEquals(1, summary.get("duplicates").asLong());
            assertEquals(1, summary.get("gaps").asLong());
        }
    }
}
