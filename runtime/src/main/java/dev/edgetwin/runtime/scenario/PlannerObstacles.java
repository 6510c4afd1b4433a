package dev.edgetwin.runtime.scenario;

import dev.edgetwin.planner.ObstacleClass;
import dev.edgetwin.planner.Track;
import dev.edgetwin.sim.ObjectClass;
import dev.edgetwin.vision.CameraIntrinsics;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.RobotPose;
import dev.edgetwin.vision.track.FloorMeasurement;
import dev.edgetwin.vision.track.TrackState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The twin's tracks as the planner's obstacles, with what a forward camera alone gets wrong for a
 * planner put right:
 *
 * <ul>
 *   <li>Which tracks: confirmed and lost ones (lost: predicted while a camera that should see them
 *       does not), as the daemon publishes them; tentative ones are left out.
 *   <li>How big: the class's nominal footprint radius, or half the width the detection's box spans
 *       on the floor when that is more (two boxes side by side can come out as one detection).
 *   <li>Out of view is not gone: the tracker drops a track a second after its last sighting, but a
 *       box the robot is passing, or one too close for the camera to see its foot, is still there.
 *       Boxes (which do not move on their own) are remembered, standing, where they were last
 *       tracked until the camera sees that spot of floor, the box's near edge included (in its
 *       image, within {@value #CLEARING_RANGE} m), unless only a tentative track is within 0.5 m of
 *       it (it may be being tracked anew under another id): a costmap's marking and clearing, for
 *       objects. People and robots move on their own: once dropped they are predicted at their last
 *       velocity, with growing uncertainty, for {@value #MOVING_MEMORY_SECONDS} s (a robot being
 *       overtaken, a person passing).
 * </ul>
 *
 * <p>Not thread-safe: the control thread calls {@link #update}.
 */
final class PlannerObstacles {
    static final double CLEARING_RANGE = 8.0;
    static final int MAX_REMEMBERED = 64;

    /** The widest an obstacle is made from its detection's width, metres (half of it). */
    static final double MAX_HALF_WIDTH = 0.8;

    /**
     * How long a moving object (a person, a robot) the tracker dropped is still predicted at its
     * last velocity while its predicted spot is out of view: long enough to pass one.
     */
    static final double MOVING_MEMORY_SECONDS = 3.0;

    private final CameraModel camera;
    private final Map<Long, Double> halfWidths = new HashMap<>();
    private final Map<Long, Memory> remembered = new LinkedHashMap<>();
    private final double[] scratch = new double[2];

    PlannerObstacles(CameraModel camera) {
        this.camera = Objects.requireNonNull(camera, "camera");
    }

    /**
     * The planner's obstacles after a tracker update.
     *
     * @param tracks the tracker's output of this update, removed ones included
     * @param pose the robot's pose when the frame was captured
     * @param nanos the update's time
     */
    List<Track> update(List<dev.edgetwin.vision.track.Track> tracks, RobotPose pose, long nanos) {
        List<Track> out = new ArrayList<>(tracks.size());
        Set<Long> present = new HashSet<>();
        List<double[]> live = new ArrayList<>(tracks.size());
        for (dev.edgetwin.vision.track.Track t : tracks) {
            if (t.state() == TrackState.REMOVED) {
                halfWidths.remove(t.id());
                continue;
            }
            live.add(new double[] {t.x(), t.y(), t.state() == TrackState.TENTATIVE ? 1 : 0});
            t.measurement()
                    .flatMap(FloorMeasurement::imageBox)
                    .ifPresent(
                            box ->
                                    halfWidths.put(
                                            t.id(), Math.min(MAX_HALF_WIDTH, floorHalfWidth(box))));
            if (t.state() != TrackState.CONFIRMED && t.state() != TrackState.LOST) {
                continue;
            }
            Track obstacle = toObstacle(t, halfWidths.getOrDefault(t.id(), 0.0));
            out.add(obstacle);
            present.add(t.id());
            remembered.remove(t.id());
            // Boxes do not move on their own (a falling one comes to rest): remembered standing
            // wherever last tracked, whatever speed the tracker gives them (merged and split
            // detections make standing boxes seem to move).
            boolean box = obstacle.kind() == ObstacleClass.BOX;
            remembered.put(t.id(), new Memory(box ? atRest(obstacle) : obstacle, nanos, box));
        }
        for (Iterator<Map.Entry<Long, Memory>> it = remembered.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<Long, Memory> e = it.next();
            if (present.contains(e.getKey())) {
                continue;
            }
            Memory m = e.getValue();
            double age = (nanos - m.nanos()) / 1e9;
            Track t = m.track();
            if (!m.standing()) {
                if (age > MOVING_MEMORY_SECONDS) {
                    it.remove();
                } else {
                    // Not cleared by sight: a person at the image's side is not measured (see
                    // ClosedLoopEpisode.footPlacement), so not seeing one proves little.
                    out.add(predicted(t, age));
                }
                continue;
            }
            if (sees(pose, t.x(), t.y(), t.radius()) && !onlyTentativeNear(live, t, 0.5)) {
                it.remove();
            } else {
                out.add(t);
            }
        }
        while (remembered.size() > MAX_REMEMBERED) {
            // The least recently tracked first (entries are re-inserted when tracked).
            Iterator<Long> oldest = remembered.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return out;
    }

    /**
     * Whether the only tracks within {@code distance} of {@code t} are tentative ones: the object
     * may be tracked anew under another id (say after two boxes merged into one detection) and not
     * yet be confirmed. With a confirmed track near, that track stands for it; with none, its spot
     * is clear.
     */
    private static boolean onlyTentativeNear(List<double[]> live, Track t, double distance) {
        boolean tentative = false;
        for (double[] p : live) {
            if (Math.hypot(p[0] - t.x(), p[1] - t.y()) < distance) {
                if (p[2] == 0) {
                    return false;
                }
                tentative = true;
            }
        }
        return tentative;
    }

    /** How many objects are remembered now (tracked or not). */
    int remembered() {
        return remembered.size();
    }

    /** A remembered object: as last tracked, when, and whether it stands (a box) or moves on. */
    private record Memory(Track track, long nanos, boolean standing) {}

    /**
     * {@code t} moved on at its velocity for {@code seconds}, its position sigma grown by 0.3 m/s.
     */
    private static Track predicted(Track t, double seconds) {
        double grow = 0.3 * seconds;
        double extra = grow * grow;
        return new Track(
                t.id(),
                t.kind(),
                t.x() + t.vx() * seconds,
                t.y() + t.vy() * seconds,
                t.vx(),
                t.vy(),
                t.radius(),
                t.covXX() + extra,
                t.covXY(),
                t.covYY() + extra);
    }

    private Track toObstacle(dev.edgetwin.vision.track.Track t, double halfWidth) {
        ObjectClass c = ObjectClass.byId(t.classId());
        ObstacleClass kind =
                switch (c) {
                    case PERSON -> ObstacleClass.PERSON;
                    case ROBOT -> ObstacleClass.ROBOT;
                    case BOX -> ObstacleClass.BOX;
                };
        double xx = Math.max(0, t.covariance(0, 0));
        double yy = Math.max(0, t.covariance(1, 1));
        double limit = Math.sqrt(xx * yy);
        double xy = Math.max(-limit, Math.min(limit, t.covariance(0, 1)));
        return new Track(
                "t" + t.id(),
                kind,
                t.x(),
                t.y(),
                t.vx(),
                t.vy(),
                Math.max(c.footprintRadius(), halfWidth),
                xx,
                xy,
                yy);
    }

    private static Track atRest(Track t) {
        return new Track(
                t.id(), t.kind(), t.x(), t.y(), 0, 0, t.radius(), t.covXX(), t.covXY(), t.covYY());
    }

    /** Half the floor distance between the bottom corners of the box, metres (0 if unplaceable). */
    private double floorHalfWidth(Detection box) {
        double[] left = new double[2];
        if (!camera.floorPoint(box.x1(), box.y2(), left)
                || !camera.floorPoint(box.x2(), box.y2(), scratch)) {
            return 0;
        }
        return Math.hypot(scratch[0] - left[0], scratch[1] - left[1]) / 2;
    }

    /**
     * Whether the camera sees the whole foot of an object of {@code radius} at the floor point: the
     * point and the point {@code radius} + 0.2 m nearer the camera both in its image, within the
     * clearing range. An object whose near edge is below the image is not seen, however much of it
     * shows.
     */
    private boolean sees(RobotPose pose, double x, double y, double radius) {
        double rx = pose.robotX(x, y);
        double ry = pose.robotY(x, y);
        double cx = rx - camera.mount().x();
        double cy = ry - camera.mount().y();
        double range = Math.hypot(cx, cy);
        if (range > CLEARING_RANGE) {
            return false;
        }
        double nearer = radius + 0.2;
        if (range <= nearer) {
            return false;
        }
        double f = (range - nearer) / range;
        return inImage(rx, ry) && inImage(camera.mount().x() + cx * f, camera.mount().y() + cy * f);
    }

    private boolean inImage(double robotX, double robotY) {
        if (!camera.project(robotX, robotY, 0, scratch)) {
            return false;
        }
        CameraIntrinsics k = camera.intrinsics();
        return scratch[0] >= 0
                && scratch[0] < k.width()
                && scratch[1] >= 0
                && scratch[1] < k.height();
    }
}
