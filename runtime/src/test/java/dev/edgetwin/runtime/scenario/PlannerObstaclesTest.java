package dev.edgetwin.runtime.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgetwin.planner.ObstacleClass;
import dev.edgetwin.planner.Track;
import dev.edgetwin.sim.FactoryScene;
import dev.edgetwin.sim.GroundTruth;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.sim.RenderedFrame;
import dev.edgetwin.sim.ScriptedObject;
import dev.edgetwin.sim.ScriptedObject.Waypoint;
import dev.edgetwin.sim.SimulatedCamera;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.FloorLocator;
import dev.edgetwin.vision.FloorObservation;
import dev.edgetwin.vision.RobotPose;
import dev.edgetwin.vision.track.FloorMeasurement;
import dev.edgetwin.vision.track.TrackState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlannerObstaclesTest {
    private static final CameraModel CAMERA = SimulatedCamera.defaultCameraModel();
    private static final long S = 1_000_000_000L;

    private static dev.edgetwin.vision.track.Track track(
            long id,
            ObjectClass c,
            TrackState state,
            double x,
            double y,
            double vx,
            Detection box) {
        double[] cov = new double[16];
        cov[0] = 0.01;
        cov[5] = 0.01;
        cov[10] = 0.1;
        cov[15] = 0.1;
        Optional<FloorMeasurement> m =
                box == null
                        ? Optional.empty()
                        : Optional.of(
                                new FloorMeasurement(
                                        c.id(),
                                        x,
                                        y,
                                        0.01,
                                        0,
                                        0.01,
                                        0.9f,
                                        "front",
                                        Optional.of(box)));
        return new dev.edgetwin.vision.track.Track(
                id, c.id(), state, x, y, vx, 0, cov, 0.9f, 0, 0, 5, m);
    }

    @Test
    void aBoxOutOfViewIsRememberedUntilItsSpotIsSeenClear() {
        PlannerObstacles obstacles = new PlannerObstacles(CAMERA);
        RobotPose facing = new RobotPose(0, 0, 0);
        List<Track> out =
                obstacles.update(
                        List.of(track(1, ObjectClass.BOX, TrackState.CONFIRMED, 4, 0, 0, null)),
                        facing,
                        0);
        assertEquals(1, out.size());
        assertEquals(ObstacleClass.BOX, out.get(0).kind());
        assertEquals(0.30, out.get(0).radius(), 1e-9, "the class's footprint radius");
        // Dropped by the tracker while the robot looks away: still there.
        RobotPose away = new RobotPose(0, 0, Math.PI);
        out = obstacles.update(List.of(), away, 5 * S);
        assertEquals(1, out.size());
        assertEquals(4, out.get(0).x(), 1e-9);
        out = obstacles.update(List.of(), away, 60 * S);
        assertEquals(1, out.size(), "a box does not walk away");
        // Looking at the spot with no track on it clears it.
        out = obstacles.update(List.of(), facing, 61 * S);
        assertTrue(out.isEmpty());
        assertEquals(0, obstacles.remembered());
    }

    @Test
    void aBoxTooCloseToSeeItsFootIsNotCleared() {
        PlannerObstacles obstacles = new PlannerObstacles(CAMERA);
        obstacles.update(
                List.of(track(1, ObjectClass.BOX, TrackState.CONFIRMED, 2.5, 0, 0, null)),
                new RobotPose(0, 0, 0),
                0);
        // 1.6 m ahead of the robot: its centre projects into the image, its near edge does not.
        List<Track> out = obstacles.update(List.of(), new RobotPose(0.9, 0, 0), S);
        assertEquals(1, out.size());
    }

    @Test
    void movingObjectsArePredictedForThreeSeconds() {
        PlannerObstacles obstacles = new PlannerObstacles(CAMERA);
        RobotPose away = new RobotPose(0, 0, Math.PI);
        obstacles.update(
                List.of(track(7, ObjectClass.ROBOT, TrackState.CONFIRMED, 3, 0, 0.5, null)),
                away,
                0);
        List<Track> out = obstacles.update(List.of(), away, 2 * S);
        assertEquals(1, out.size());
        assertEquals(4, out.get(0).x(), 1e-9, "moved on at 0.5 m/s");
        assertTrue(out.get(0).positionSigma() > 0.5, "less sure of it");
        assertTrue(obstacles.update(List.of(), away, 4 * S).isEmpty(), "forgotten after 3 s");
    }

    @Test
    void tentativeTracksAreLeftOutAndTwoBoxesInOneDetectionAreOneWideObstacle() {
        PlannerObstacles obstacles = new PlannerObstacles(CAMERA);
        RobotPose pose = new RobotPose(0, 0, 0);
        // A 1.2 m wide box 4 m ahead: its bottom corners' floor points are 1.2 m apart.
        double[] uv = new double[2];
        CAMERA.project(4, 0.6, 0, uv);
        double u1 = uv[0];
        double v = uv[1];
        CAMERA.project(4, -0.6, 0, uv);
        Detection wide =
                new Detection(2, "box", 0.9f, (float) u1, (float) v - 40, (float) uv[0], (float) v);
        List<Track> out =
                obstacles.update(
                        List.of(
                                track(1, ObjectClass.BOX, TrackState.CONFIRMED, 4, 0, 0, wide),
                                track(2, ObjectClass.PERSON, TrackState.TENTATIVE, 3, 1, 0, null)),
                        pose,
                        0);
        assertEquals(1, out.size());
        assertEquals(0.6, out.get(0).radius(), 0.02);
    }

    @Test
    void aBoxCutByTheImageBottomIsPlacedByItsTop() {
        // A box 1.5 m ahead of the robot (its foot below the image), seen from the start pose.
        var box = ScriptedObject.box(0.5, 0.5, 0.4, 0, List.of(new Waypoint(0, 6.5, 9.0)));
        RobotPose ego = new RobotPose(5.0, 9.0, 0);
        FactoryScene scene = FactoryScene.scripted(1, ego, List.of(), List.of(box));
        RenderedFrame frame = new SimulatedCamera(scene).render(0, ego, 0);
        GroundTruth g = frame.groundTruth().get(0);
        assertEquals(480, g.y2(), "cut by the bottom edge");
        Detection d = new Detection(2, "box", 1f, g.x1(), g.y1(), g.x2(), g.y2());
        FloorObservation atEdge =
                new FloorLocator(CAMERA, ObjectClass.footprintRadiiByLabel())
                        .locate(d, ego)
                        .orElseThrow();
        assertTrue(atEdge.x() - 6.5 > 0.1, "by the cut foot it seems further: " + atEdge.x());
        FloorObservation byTop =
                ClosedLoopEpisode.footPlacement(atEdge, CAMERA, ego, 480).orElseThrow();
        assertEquals(6.5, byTop.x(), 0.1);
        assertEquals(9.0, byTop.y(), 0.05);
        // Uncut boxes keep their placement; a box cut at the top too cannot be placed.
        Detection whole = new Detection(2, "box", 1f, 100, 200, 150, 300);
        FloorObservation o = new FloorObservation(whole, 3, 0, 8, 9, 3);
        assertEquals(o, ClosedLoopEpisode.footPlacement(o, CAMERA, ego, 480).orElseThrow());
        // Cut at the top and the bottom: placed by its width. A 0.5 m person 1.2 m from the
        // camera is 457 x 0.5 / 1.2 = 190 px wide.
        Detection close = new Detection(1, "person", 1f, 225, 0, 415, 480);
        FloorObservation near =
                ClosedLoopEpisode.footPlacement(
                                new FloorObservation(close, 3, 0, 8, 9, 3), CAMERA, ego, 480)
                        .orElseThrow();
        assertEquals(0.25 + 1.2 + 0.25, near.robotX(), 0.05, "mount + range + radius");
        assertEquals(0, near.robotY(), 0.01);
        Detection sideCut = new Detection(1, "person", 1f, 0, 100, 150, 300);
        assertTrue(
                ClosedLoopEpisode.footPlacement(
                                new FloorObservation(sideCut, 3, 0, 8, 9, 3), CAMERA, ego, 480)
                        .isEmpty(),
                "cut at a side: left out");
        Detection nameless = new Detection(5, "forklift", 1f, 100, 100, 150, 480);
        assertTrue(
                ClosedLoopEpisode.footPlacement(
                                new FloorObservation(nameless, 1, 0, 6, 9, 1), CAMERA, ego, 480)
                        .isEmpty());
    }
}
