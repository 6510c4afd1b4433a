package dev.edgetwin.runtime.twin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgetwin.vision.RobotPose;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The schemas in docs/schemas accept what the runtime encodes and reject what breaks them. */
class TwinSchemasTest {
    private static final MessageStamp STAMP = new MessageStamp(3, 4211, 4209);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static TwinState state(List<ObservedObject> objects) {
        return new TwinState(
                "demo",
                "sim-robot-1",
                7,
                1_795_482_123_456_789_000L,
                "front",
                new RobotPose(1.5, -2.25, 0.3),
                objects,
                new TwinState.ModelInfo("m.onnx", "0123abcd", "", "cpu", "fp32"),
                new TwinState.Health(10, 1, 9, 6.25));
    }

    private static ObservedObject seen(long id, String label) {
        return new ObservedObject(
                id,
                true,
                label,
                0.91,
                9.87,
                1.21,
                0.5,
                -0.2,
                0.01,
                0.001,
                0.02,
                5.43,
                402,
                188,
                431,
                301,
                0,
                2_000_000_000L);
    }

    @Test
    void encodedStatesAndTheGoldenFileConform() throws Exception {
        assertEquals(
                List.of(),
                TwinSchemas.STATE.violations(TwinJson.encodeState(state(List.of()), STAMP)));
        ObservedObject person = seen(7, "person");
        ObservedObject box =
                new ObservedObject(
                        2,
                        false,
                        "box",
                        1.0,
                        -3,
                        0,
                        0,
                        0,
                        0.09,
                        0,
                        0.09,
                        0.4,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        0,
                        1_000_000_000L);
        assertEquals(
                List.of(),
                TwinSchemas.STATE.violations(
                        TwinJson.encodeState(state(List.of(person, box)), STAMP)));
        try (InputStream golden = getClass().getResourceAsStream("/golden/twin-state-v3.json")) {
            assertEquals(List.of(), TwinSchemas.STATE.violations(golden.readAllBytes()));
        }
    }

    @Test
    void bothStatusPayloadsAndTheLastWillConform() {
        for (boolean online : new boolean[] {true, false}) {
            assertEquals(
                    List.of(),
                    TwinSchemas.STATUS.violations(
                            TwinJson.encodeStatus(
                                    "demo", "sim-robot-1", online, 1_795_482_123_456L, 3, STAMP)));
        }
        assertEquals(
                List.of(),
                TwinSchemas.STATUS.violations(
                        TwinJson.encodeStatus(
                                "demo", "sim-robot-1", false, 1_795_482_123_456L, 3, null)));
    }

    @Test
    void eventsConformAndAnOnlineStatusWithoutASequenceNumberDoesNot() throws Exception {
        assertEquals(
                List.of(),
                TwinSchemas.EVENT.violations(
                        TwinJson.encodeEvent(
                                "demo",
                                "sim-robot-1",
                                new TwinEvent(
                                        "fall", 1_795_482_123_456_789_000L, 12, "box", 2.25, -0.5),
                                STAMP)));
        ObjectNode onlineWithoutSeq =
                (ObjectNode)
                        JSON.readTree(
                                TwinJson.encodeStatus(
                                        "demo", "r1", false, 1_000_000_000_000L, 3, null));
        onlineWithoutSeq.put("state", "online");
        assertFalse(TwinSchemas.STATUS.violations(onlineWithoutSeq).isEmpty());
        ObjectNode stateWithoutEpoch =
                (ObjectNode) JSON.readTree(TwinJson.encodeState(state(List.of()), STAMP));
        stateWithoutEpoch.remove("epoch");
        assertFalse(TwinSchemas.STATE.violations(stateWithoutEpoch).isEmpty());
    }

    @Test
    void payloadsThatBreakTheContractAreCaught() throws Exception {
        ObservedObject person = seen(1, "person");
        ObjectNode good =
                (ObjectNode) JSON.readTree(TwinJson.encodeState(state(List.of(person)), STAMP));

        ObjectNode missing = good.deepCopy();
        missing.remove("model");
        assertFalse(TwinSchemas.STATE.violations(missing).isEmpty(), "model is required");

        ObjectNode extra = good.deepCopy();
        extra.put("undocumented", 1);
        assertFalse(TwinSchemas.STATE.violations(extra).isEmpty(), "no undocumented fields");

        ObjectNode shortBox = good.deepCopy();
        ((ArrayNode) shortBox.withArray("objects").get(0).withArray("box")).remove(3);
        List<String> v = TwinSchemas.STATE.violations(shortBox);
        assertTrue(v.stream().anyMatch(s -> s.contains("box")), v.toString());

        ObjectNode badStatus =
                (ObjectNode)
                        JSON.readTree(
                                TwinJson.encodeStatus(
                                        "demo", "r1", true, 1_000_000_000_000L, 3, STAMP));
        badStatus.put("state", "sleeping");
        assertFalse(TwinSchemas.STATUS.violations(badStatus).isEmpty());
        assertFalse(TwinSchemas.STATE.violations("{not json".getBytes()).isEmpty());
    }
}
