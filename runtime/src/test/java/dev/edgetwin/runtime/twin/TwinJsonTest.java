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
                                12,
                                true,
                                "person",
                                0.98765,
                                9.87449,
                                1.2116,
                                0.81234,
                                -0.0499,
                                0.0123456,
                                -0.0012344,
                                0.0040004,
                                5.43,
                                402.04,
                                188,
                                431,
                                301.26,
                                1_795_482_120_000_000_000L,
                                1_795_482_123_456_789_000L),
                        // Lost: not seen in this frame, so no box; position predicted.
                        new ObservedObject(
                                3,
                                false,
                                "box",
                                1.0,
                                7.5,
                                -1.25,
                                0,
                                0,
                                0.09,
                                0,
                                0.09,
                                3.1,
                                Double.NaN,
                                Double.NaN,
                                Double.NaN,
                                Double.NaN,
                                1_795_482_100_000_000_000L,
                                1_795_482_123_056_789_000L)),
                new TwinState.ModelInfo("reference-detector.onnx", "ab12", "1", "cpu", "int8"),
                new TwinState.Health(240, 3, 237, 6.234, 9.876, 112.3449, 180, 2, 0));
    }

    @Test
    void stateMatchesTheGoldenFile() throws IOException {
        String expected;
        try (InputStream in = getClass().getResourceAsStream("/golden/twin-state-v3.json")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        assertEquals(
                expected,
                new String(
                        TwinJson.encodeState(sampleState(), new MessageStamp(3, 4211, 4209)),
                        StandardCharsets.UTF_8));
    }

    @Test
    void statusSaysOnlineOrOffline() {
        String online =
                new String(
                        TwinJson.encodeStatus("demo", "r1", true, 0, 2, new MessageStamp(2, 9, 5)),
                        StandardCharsets.UTF_8);
        assertEquals(
                "{\"schema\":\"edgetwin/status/1\",\"site\":\"demo\",\"robot\":\"r1\",\"epoch\":2,"
                        + "\"msgSeq\":9,\"prevMsgSeq\":5,\"state\":\"online\","
                        + "\"time\":\"1970-01-01T00:00:00Z\"}",
                online);
        String will =
                new String(
                        TwinJson.encodeStatus("demo", "r1", false, 0, 2, null),
                        StandardCharsets.UTF_8);
        assertEquals(
                "{\"schema\":\"edgetwin/status/1\",\"site\":\"demo\",\"robot\":\"r1\",\"epoch\":2,"
                        + "\"state\":\"offline\",\"time\":\"1970-01-01T00:00:00Z\"}",
                will);
        assertThrows(
                IllegalArgumentException.class,
                () -> TwinJson.encodeStatus("demo", "r1", true, 0, 3, new MessageStamp(2, 9, 5)));
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
