package dev.edgetwin.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgetwin.runtime.mqtt.EmbeddedBroker;
import dev.edgetwin.runtime.mqtt.TestSubscriber;
import dev.edgetwin.runtime.twin.EventDetector;
import dev.edgetwin.runtime.twin.TwinCodec;
import dev.edgetwin.runtime.twin.TwinSchemas;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.GroundTruth;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.OutputLayout;
import dev.edgetwin.vision.track.TrackerConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Logger;

/**
 * Simulated camera -> reference detector -> floor tracker -> twin -> embedded broker -> a Paho
 * subscriber: the published objects must be the ones the simulator placed, where it placed them.
 */
class DaemonEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 7;
    private static final int STATES = 20;

    static final double MEDIAN_ERROR_METRES = 0.3;
    private static final double FOCAL_PIXELS =
            SimulatedCamera.defaultCameraModel().intrinsics().fy();
    private static final double CAMERA_HEIGHT_METRES =
            SimulatedCamera.defaultCameraModel().mount().z();

    /** Objects the daemon must report: mostly visible, inside the image, within this range. */
    static final double MAX_RANGE_METRES = 12;

    static final double MIN_VISIBLE_FRACTION = 0.6;

    @TempDir Path modelCache;

    @Test
    void publishedObjectsAreTheSimulatorsObjectsWithinTolerance() throws Exception {
        int port = EmbeddedBroker.freePort();
        DaemonConfig config =
                new DaemonConfig(
                        "e2e",
                        "robot-1",
                        "127.0.0.1",
                        port,
                        false, // the test's broker: subscribed before the daemon publishes
                        null,
                        null,
                        modelCache,
                        10,
                        10,
                        0.5f,
                        SEED,
                        TestProfiles.cpuFp32(),
                        modelCache.resolve("state"),
                        TwinCodec.JSON,
                        EventDetector.Rules.defaults(),
                        OutputLayout.AUTO);
        SimulatedFeed feed = SimulatedFeed.demo(SEED, config.cameraFps());
        SimulatedCamera truthCamera =
                new SimulatedCamera(
                        FactoryScene.demo(SEED), SimulatedCamera.defaultCameraModel(), "truth", 0);
        List<JsonNode> states = new ArrayList<>();
        List<JsonNode> events = new ArrayList<>();
        try (EmbeddedBroker broker = EmbeddedBroker.start("127.0.0.1", port);
                TestSubscriber subscriber =
                        new TestSubscriber("tcp://127.0.0.1:" + port, "edgetwin/#");
                Daemon daemon = Daemon.start(config, feed, s -> {})) {
            String stateTopic = config.topics().state();
            String eventTopic = config.topics().event();
            while (states.size() < STATES) {
                TestSubscriber.Message m = subscriber.nextAny(60);
                assertNotNull(m, "a twin state within 60 s (have " + states.size() + ")");
                if (m.topic().equals(eventTopic)) {
                    assertEquals(
                            List.of(),
                            TwinSchemas.EVENT.violations(m.payload()),
                            "every published event follows docs/schemas");
                    events.add(JSON.readTree(m.payload()));
                    continue;
                }
                if (!m.topic().equals(stateTopic)) {
                    continue;
                }
                assertEquals(
                        List.of(),
                        TwinSchemas.STATE.violations(m.payload()),
                        "every published state follows docs/schemas");
                states.add(JSON.readTree(m.payload()));
            }
        }

        // The subscriber was there before the daemon started, so it sees every event.
        List<Long> appeared = new ArrayList<>();
        for (JsonNode e : events) {
            if (e.get("type").asText().equals("appeared")) {
                appeared.add(e.get("object").get("id").asLong());
            }
        }
        assertTrue(!appeared.isEmpty(), "the demo scene produces 'appeared' events: " + events);
        JsonNode last = states.get(states.size() - 1);
        assertTrue(last.get("health").get("fps").asDouble() > 0, "health has a frame rate");
        assertTrue(
                last.get("health").get("latencyP99Millis").asDouble()
                        >= last.get("health").get("latencyP50Millis").asDouble(),
                "p99 >= p50");
        int expected = 0;
        int found = 0;
        int judged = 0;
        int matched = 0;
        List<Double> errors = new ArrayList<>();
        // The tracker publishes an object once it was seen in TrackerConfig.hitsToConfirm frames:
        // the first states are the tracks' warm-up and are not judged.
        int warmUp = TrackerConfig.defaults().hitsToConfirm() - 1;
        for (JsonNode state : states.subList(warmUp, states.size())) {
            assertEquals("e2e", state.get("site").asText());
            assertEquals("robot-1", state.get("robot").asText());
            long capture = state.get("captureTimeNanos").asLong();
            double t = feed.sceneTimeOf(capture);
            RenderedFrame truth = truthCamera.render(t, capture);
            assertEquals(truth.egoPose().x(), state.get("pose").get("x").asDouble(), 1e-3);
            assertEquals(truth.egoPose().y(), state.get("pose").get("y").asDouble(), 1e-3);

            List<JsonNode> objects = new ArrayList<>();
            state.get("objects").forEach(objects::add);
            for (GroundTruth g : truth.groundTruth()) {
                if (!mustBeSeen(g, truth.groundTruth())) {
                    continue;
                }
                expected++;
                double range = Math.hypot(g.robotX(), g.robotY());
                double error =
                        nearest(objects, g.objectClass().label(), g.factoryX(), g.factoryY());
                if (error <= tolerance(range)) {
                    found++;
                    errors.add(error);
                } else {
                    Logger.warn("Missed at t={}: {}, nearest {} m", t, g, error);
                }
            }
            for (JsonNode o : objects) {
                if (!o.has("box")) {
                    // Not detected in this frame (lost, or out of the camera's view): the twin's
                    // prediction counts for recall above, not as a detection here.
                    continue;
                }
                double[] box = new double[4];
                for (int i = 0; i < 4; i++) {
                    box[i] = o.get("box").get(i).asDouble();
                }
                if (o.get("range").asDouble() > MAX_RANGE_METRES
                        || overlapsMergedGroup(box, o.get("class").asText(), truth.groundTruth())) {
                    continue;
                }
                judged++;
                boolean real =
                        truth.groundTruth().stream()
                                .anyMatch(
                                        g ->
                                                g.objectClass()
                                                                .label()
                                                                .equals(o.get("class").asText())
                                                        && Math.hypot(
                                                                        g.factoryX()
                                                                                - o.get("x")
                                                                                        .asDouble(),
                                                                        g.factoryY()
                                                                                - o.get("y")
                                                                                        .asDouble())
                                                                <= tolerance(
                                                                        Math.hypot(
                                                                                g.robotX(),
                                                                                g.robotY())));
                if (real) {
                    matched++;
                } else {
                    Logger.warn("Published object not in the scene at t={}: {}", t, o);
                }
            }
        }
        errors.sort(Double::compare);
        double recall = found / (double) expected;
        double precision = matched / (double) judged;
        double median = errors.isEmpty() ? Double.NaN : errors.get(errors.size() / 2);
        Logger.info(
                "End to end over {} states: recall {} ({}/{}), precision {} ({}/{}), position error median {} m, max {} m",
                states.size(),
                recall,
                found,
                expected,
                precision,
                matched,
                judged,
                median,
                errors.isEmpty() ? Double.NaN : errors.get(errors.size() - 1));
        assertTrue(expected >= 2 * STATES, "the demo scene shows objects: " + expected);
        assertTrue(recall >= 0.9, "recall " + recall + " (" + found + "/" + expected + ")");
        assertTrue(
                precision >= 0.9, "precision " + precision + " (" + matched + "/" + judged + ")");
        assertTrue(median <= MEDIAN_ERROR_METRES, "median position error " + median + " m");
    }

    /**
     * Objects the reference detector is specified to find (modelkit's README): mostly visible,
     * inside the image, in range, and not touching another object of its class in the image (it
     * separates objects by colour, so touching same-class objects merge; the trained detector lifts
     * this).
     */
    private static boolean mustBeSeen(GroundTruth g, List<GroundTruth> all) {
        return !g.truncated()
                && Math.hypot(g.robotX(), g.robotY()) <= MAX_RANGE_METRES
                && g.visibleFraction() >= MIN_VISIBLE_FRACTION
                && all.stream().noneMatch(o -> o != g && touches(g, o));
    }

    private static boolean touches(GroundTruth a, GroundTruth b) {
        return a.objectClass() == b.objectClass()
                && a.x1() - 2 < b.x2()
                && b.x1() - 2 < a.x2()
                && a.y1() - 2 < b.y2()
                && b.y1() - 2 < a.y2();
    }

    /** Whether a published box overlaps a group of touching same-class objects (not judged). */
    private static boolean overlapsMergedGroup(double[] box, String label, List<GroundTruth> all) {
        for (GroundTruth g : all) {
            if (!g.objectClass().label().equals(label)) {
                continue;
            }
            boolean inGroup = all.stream().anyMatch(o -> o != g && touches(g, o));
            boolean overlaps =
                    box[0] < g.x2() && g.x1() < box[2] && box[1] < g.y2() && g.y1() < box[3];
            if (inGroup && overlaps) {
                return true;
            }
        }
        return false;
    }

    /**
     * A published position may be off by a fixed 0.25 m (the footprint-radius approximation for
     * oblique views) plus what a 2-pixel error in the box's bottom row means at that range: on a
     * camera at height h with focal length f, range r moves by about r^2 / (f h) per pixel.
     */
    static double tolerance(double range) {
        return 0.25 + 2 * range * range / (FOCAL_PIXELS * CAMERA_HEIGHT_METRES);
    }

    private static double nearest(List<JsonNode> objects, String label, double x, double y) {
        double best = Double.POSITIVE_INFINITY;
        for (JsonNode o : objects) {
            if (o.get("class").asText().equals(label)) {
                best =
                        Math.min(
                                best,
                                Math.hypot(o.get("x").asDouble() - x, o.get("y").asDouble() - y));
            }
        }
        return best;
    }
}
