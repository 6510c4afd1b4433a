package dev.edgetwin.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.modelkit.OnnxGraphBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VisionEvaluateCommandTest {
    @TempDir Path dir;

    @Test
    void jsonHasDetectionTrackingAndFloorError() throws Exception {
        // The palette detector: no training, so the test stays quick; the figures are not judged.
        CliRun o =
                CliRun.execute(
                        "vision",
                        "evaluate",
                        "--reference",
                        "--model-cache",
                        dir.toString(),
                        "--seeds",
                        "101,102",
                        "--seconds",
                        "1",
                        "--fps",
                        "3",
                        "--match-distance",
                        "0.8",
                        "--json");
        assertEquals(0, o.code(), o.err());
        JsonNode doc = new ObjectMapper().readTree(o.out());
        assertTrue(doc.get("model").asText().contains("edgetwin-reference-detector"), o.out());
        assertEquals(List.of(101L, 102L), longs(doc.at("/settings/seeds")));
        assertEquals(3, doc.at("/settings/framesPerSequence").asInt());
        assertEquals(0.8, doc.at("/settings/matchDistanceMetres").asDouble());
        assertEquals(6, doc.get("frames").asInt());
        assertTrue(doc.at("/detection/meanAp50").isNumber(), o.out());
        assertEquals(3, doc.at("/detection/classes").size());
        assertEquals("robot", doc.at("/detection/classes/0/name").asText());
        assertTrue(doc.at("/detection/classes/0/ap").isNumber(), o.out());
        for (String field :
                List.of(
                        "objects",
                        "matches",
                        "misses",
                        "falsePositives",
                        "idSwitches",
                        "ignoredOutputs",
                        "mota",
                        "motp",
                        "idf1",
                        "idPrecision",
                        "idRecall")) {
            assertTrue(doc.at("/tracking/" + field).isNumber(), field + " in " + o.out());
        }
        assertTrue(doc.at("/tracking/objects").asInt() > 0, o.out());
        assertTrue(doc.at("/floorError/pairs").isInt(), o.out());
        assertTrue(doc.has("floorError") && doc.get("floorError").has("p95Metres"), o.out());
        assertEquals(2, doc.get("sequences").size());
        assertEquals(102, doc.at("/sequences/1/seed").asLong());
        assertTrue(doc.get("onnxRuntime").asText().startsWith("1."), o.out());
    }

    @Test
    void aMissingModelIsNamed() {
        Path missing = dir.resolve("nope.onnx");
        CliRun o = CliRun.execute("vision", "evaluate", "--model", missing.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("no readable model file at"), o.err());
        assertTrue(o.err().contains("nope.onnx"), o.err());
    }

    @Test
    void aFileThatIsNotAModelIsRefused() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.onnx"), "not a model");
        CliRun o = CliRun.execute("vision", "evaluate", "--model", junk.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("ONNX Runtime could not load"), o.err());
    }

    @Test
    void aModelWithAnUnknownOutputLayoutIsRefused() throws Exception {
        // [1, 3, 16]: not [1, 4+C, N], not [1, N, 5+C] with more anchors than values, not [1, N,
        // 6].
        Path model = tinyModel(dir.resolve("odd.onnx"), 1, 3, 16);
        CliRun o = CliRun.execute("vision", "evaluate", "--model", model.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("[1, 3, 16]"), o.err());
    }

    @Test
    void aModelWithoutTheSimulatorsClassesIsRefused() throws Exception {
        // [1, 6, 8] reads as YOLOv8 with two unnamed classes: class0, class1.
        Path model = tinyModel(dir.resolve("two-classes.onnx"), 1, 6, 8);
        CliRun o = CliRun.execute("vision", "evaluate", "--model", model.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("expected the simulator's robot among them"), o.err());
    }

    /** A model that reshapes a [1, 3, 4, 4] image into {@code outputShape} (48 values). */
    private static Path tinyModel(Path file, long... outputShape) throws Exception {
        OnnxGraphBuilder g = new OnnxGraphBuilder("tiny");
        String images = g.floatInput("images", 1, 3, 4, 4);
        String out = g.reshape(images, outputShape);
        g.floatOutput(out, outputShape);
        return Files.write(file, g.build(8, 17, "test", "0").toByteArray());
    }

    @Test
    void badOptionValuesAreNamed() {
        CliRun fps = CliRun.execute("vision", "evaluate", "--fps", "0");
        assertEquals(2, fps.code());
        assertTrue(fps.err().contains("fps must be finite and > 0, got 0.0"), fps.err());

        CliRun distance = CliRun.execute("vision", "evaluate", "--match-distance", "-1");
        assertEquals(2, distance.code());
        assertTrue(distance.err().contains("matchDistance"), distance.err());

        CliRun seeds = CliRun.execute("vision", "evaluate", "--seeds", "101,x");
        assertEquals(2, seeds.code());
        assertTrue(seeds.err().contains("--seeds"), seeds.err());

        CliRun both = CliRun.execute("vision", "evaluate", "--reference", "--model", "m.onnx");
        assertEquals(2, both.code());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }
}
