package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** {@code edgetwin bench mqtt} on tiny runs: the JSON's shape and consistency, not its speed. */
class BenchMqttCommandTest {

    private static JsonNode run(String broker) throws Exception {
        CliRun o =
                CliRun.execute(
                        "bench",
                        "mqtt",
                        "--json",
                        "--broker",
                        broker,
                        "--messages",
                        "300",
                        "--warmup",
                        "50",
                        "--rounds",
                        "1");
        assertEquals(0, o.code(), o.err());
        return new ObjectMapper().readTree(o.out());
    }

    private static void checkFigures(JsonNode doc) {
        for (String qos : new String[] {"qos0", "qos1"}) {
            JsonNode q = doc.get(qos);
            double outbox = q.get("outboxMessagesPerSecond").asDouble();
            double bare = q.get("barePahoMessagesPerSecond").asDouble();
            assertTrue(outbox > 0 && bare > 0, qos + ": " + q);
            assertEquals(
                    1e6 / outbox - 1e6 / bare,
                    q.get("addedMicrosPerMessage").asDouble(),
                    1e-6,
                    qos);
            assertEquals(1, q.get("outboxRounds").size());
            assertEquals(outbox, q.get("outboxRounds").get(0).asDouble(), 1e-9);
        }
        JsonNode alone = doc.get("outboxAppendNextAcknowledge");
        assertEquals(1000, alone.get("messages").asInt(), "at least 1000 timed");
        double p50 = alone.get("p50Micros").asDouble();
        assertTrue(p50 > 0 && alone.get("p99Micros").asDouble() >= p50, alone.toString());
        assertTrue(doc.get("payloadBytes").asInt() > 100, doc.toString());
        assertEquals("at most every 100 ms", doc.get("fsync").asText());
    }

    @Test
    void embeddedBrokerIsLabelledAndTheFiguresAreConsistent() throws Exception {
        JsonNode doc = run("embedded");
        assertTrue(doc.get("broker").asText().startsWith("EMBEDDED Moquette"), doc.toString());
        checkFigures(doc);
    }

    @Test
    @Tag("interop")
    void mosquittoIsStartedByTheBench() throws Exception {
        JsonNode doc = run("mosquitto");
        assertTrue(doc.get("broker").asText().startsWith("mosquitto version 2."), doc.toString());
        checkFigures(doc);
    }

    @Test
    void badOptionsAreRefusedWithTheirName() {
        CliRun fsync = CliRun.execute("bench", "mqtt", "--fsync", "sometimes");
        assertEquals(2, fsync.code());
        assertTrue(
                fsync.err().contains("--fsync") && fsync.err().contains("sometimes"), fsync.err());
        CliRun broker = CliRun.execute("bench", "mqtt", "--broker", "hivemq");
        assertEquals(2, broker.code());
        assertTrue(broker.err().contains("--broker"), broker.err());
        CliRun messages = CliRun.execute("bench", "mqtt", "--messages", "0");
        assertEquals(2, messages.code());
        assertTrue(messages.err().contains("--messages"), messages.err());
    }
}
