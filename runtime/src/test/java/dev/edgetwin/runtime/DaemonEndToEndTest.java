package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.mqtt.TestSubscriber;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.GroundTruth;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.SimulatedCamera;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Logger;

/**
 * Simulated camera -> reference detector -> twin -> embedded broker -> a Paho subscriber: the
 * published objects must be the ones the simulator placed, where it placed them.
 */
class DaemonEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 7;
    private static final int STATES = 20;
    /**
     * How far a published position may be from the object's true footprint centre: the detector's
     * box bottom is within a couple of pixels, which at 12 m on the default camera is ~0.3 m along
     * the line of sight, plus the footprint-radius approximation for oblique views.
     */
    static final double POSITION_TOLERANCE_METRES = 0.5;
    /** Objects the daemon must report: mostly visible, inside the image, within this range. */
    static final double MAX_RANGE_METRES = 12;
    static final double MIN_VISIBLE_FRACTION = 0.6;

    @TempDir Path modelCache;

    @Test
    void publishedObjectsAreTheSimulatorsObjectsWithinTolerance() throws Exception {
        int port = EmbeddedBroker.freePort();
        DaemonConfig config =
                new DaemonConfig(
                        "e2e", "robot-1", "127.0.0.1", port, true, null, modelCache, 10, 10, 0.5f, SEED);
        SimulatedFeed feed = SimulatedFeed.demo(SEED, config.cameraFps());
        SimulatedCamera truthCamera =
                new SimulatedCamera(
                        FactoryScene.demo(SEED), SimulatedCamera.defaultCameraModel(), "truth", 0);
        List<JsonNode> states = new ArrayList<>();
        try (Daemon daemon = Daemon.start(config, feed, s -> {});
                TestSubscriber subscriber =
                        new TestSubscriber("tcp://127.0.0.1:" + port, "edgetwin/#")) {
            String stateTopic = config.topics().state();
            while (states.size() < STATES) {
                TestSubscriber.Message m = subscriber.next(stateTopic, 60);
                assertNotNull(m, "a twin state within 60 s (have " + states.size() + ")");
                states.add(JSON.readTree(m.payload()));
            }
        }

        int expected = 0;
        int found = 0;
        int published = 0;
        int matchedPublished = 0;
        List<Double> errors = new ArrayList<>();
        for (JsonNode state : states) {
            assertEquals("e2e", state.get("site").asText());
            assertEquals("robot-1", state.get("robot").asText());
            long capture = state.get("captureTimeNanos").asLong();
            double t = feed.sceneTimeOf(capture);
            RenderedFrame truth = truthCamera.render(t, capture);
            assertEquals(truth.egoPose().x(), state.get("pose").get("x").asDouble(), 1e-3);
            assertEquals(truth.egoPose().y(), state.get("pose").get("y").asDouble(), 1e-3);

            List<JsonNode> objects = new ArrayList<>();
            state.get("objects").forEach(objects::add);
            published += objects.size();
            for (GroundTruth g : truth.groundTruth()) {
                double range = Math.hypot(g.robotX(), g.robotY());
                boolean mustSee =
                        !g.truncated()
                                && range <= MAX_RANGE_METRES
                                && g.visiblePixels() >= MIN_VISIBLE_FRACTION * g.silhouettePixels();
                double best = nearest(objects, g.objectClass().label(), g.factoryX(), g.factoryY());
                if (mustSee) {
                    expected++;
                    if (best <= POSITION_TOLERANCE_METRES) {
                        found++;
                        errors.add(best);
                    }
                }
            }
            for (JsonNode o : objects) {
                boolean real =
                        truth.groundTruth().stream()
                                .anyMatch(
                                        g ->
                                                g.objectClass().label().equals(o.get("class").asText())
                                                        && Math.hypot(
                                                                        g.factoryX() - o.get("x").asDouble(),
                                                                        g.factoryY() - o.get("y").asDouble())
                                                                <= POSITION_TOLERANCE_METRES);
                if (real) {
                    matchedPublished++;
                }
            }
        }
        errors.sort(Double::compare);
        double recall = found / (double) expected;
        double precision = matchedPublished / (double) published;
        Logger.info(
                "End to end over {} states: {} objects expected, recall {}, precision {}, median error {} m, max {} m",
                states.size(),
                expected,
                recall,
                precision,
                errors.isEmpty() ? Double.NaN : errors.get(errors.size() / 2),
                errors.isEmpty() ? Double.NaN : errors.get(errors.size() - 1));
        assertTrue(expected >= STATES, "the demo scene shows objects: " + expected);
        assertTrue(recall >= 0.9, "recall " + recall + " (" + found + "/" + expected + ")");
        assertTrue(precision >= 0.9, "precision " + precision + " (" + matchedPublished + "/" + published + ")");
    }

    private static double nearest(List<JsonNode> objects, String label, double x, double y) {
        double best = Double.POSITIVE_INFINITY;
        for (JsonNode o : objects) {
            if (o.get("class").asText().equals(label)) {
                best = Math.min(best, Math.hypot(o.get("x").asDouble() - x, o.get("y").asDouble() - y));
            }
        }
        return best;
    }
}
