package dev.edgetwin.runtime.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.vision.RobotPose;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwinJsonTest {

    static TwinState sampleState() {
        return new TwinState(
                "demo",
                "sim-robot-1",
                118,
                1_795_482_123_456_789_000L,
                "front",
                new RobotPose(4.2104, 0, -0.00049),
                List.of(
                        new ObservedObject(
                                "person", 0.98765, 9.87449, 1.2116, 5.43, 402.04, 188, 431, 301.26),
                        new ObservedObject("box", 1.0, 7.5, -1.25, 3.1, 100, 250, 180, 330)),
                new TwinState.ModelInfo("reference-detector.onnx", "ab12", "1", "cpu", "int8"),
                new TwinState.Health(240, 3, 237, 6.234));
    }

    @Test
    void stateMatchesTheGoldenFile() throws IOException {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/golden/twin-state-v0.json")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        assertEquals(
                expected, new String(TwinJson.encodeState(sampleState()), StandardCharsets.UTF_8));
    }

    @Test
    void statusSaysOnlineOrOffline() {
        String online =
                new String(TwinJson.encodeStatus("demo", "r1", true, 0), StandardCharsets.UTF_8);
        assertEquals(
                "{\"site\":\"demo\",\"robot\":\"r1\",\"state\":\"online\",\"time\":\"1970-01-01T00:00:00Z\"}",
                online);
        assertTrue(
                new String(TwinJson.encodeStatus("demo", "r1", false, 0), StandardCharsets.UTF_8)
                        .contains("\"offline\""));
    }

    @Test
    void topicLevelsRejectMqttWildcardsAndSeparatorsByName() {
        for (String bad : new String[] {"a/b", "+", "#", "", "-x", "x".repeat(65)}) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> new TwinTopics(bad, "r1"));
            assertTrue(e.getMessage().startsWith("site must be"), e.getMessage());
        }
        assertEquals(
                "edgetwin/plant-7/amr_12/twin/state", new TwinTopics("plant-7", "amr_12").state());
    }
}
