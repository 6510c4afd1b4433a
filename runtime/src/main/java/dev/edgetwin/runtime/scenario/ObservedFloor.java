package dev.edgetwin.runtime.scenario;

import dev.edgetwin.planner.ObservedSpace;
import dev.edgetwin.vision.CameraIntrinsics;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.RobotPose;
import java.util.List;

/**
 * The floor the robot's forward camera has observed well enough that a box standing there would be
 * among the planner's obstacles, for the planner's {@link ObservedSpace}: a cell counts once it was
 * in {@value #FRAMES_TO_OBSERVE} frames (the tracker confirms a track after 3 hits, and a frame's
 * tracks arrive after the perception latency) in the way {@link ClosedLoopEpisode#footPlacement}
 * can place an object there and nothing unplaced covers it: a box of radius {@value #OBJECT_RADIUS}
 * m on it whole in the image, its near edge included and its sides clear of the image's sides (an
 * object cut by a side is not placed), within {@value #RANGE} m. Floor under the robot's start,
 * within {@value #START_RADIUS} m, counts as observed: the robot was put down there on clear floor,
 * and without it the camera's blind zone in front of the robot (about 1.3 m) could never be
 * entered.
 *
 * <p>What this does not model: occlusion (floor behind an object counts as observed), and floor
 * observed before an object came to stand on it (a box falling onto seen floor is found by the
 * tracker, not by this).
 *
 * <p>Not thread-safe: the episode's loop calls it.
 */
final class ObservedFloor {
    static final double RESOLUTION = 0.1;
    static final int FRAMES_TO_OBSERVE = 4;
    static final double OBJECT_RADIUS = 0.35;
    static final double RANGE = 6.0;
    static final double START_RADIUS = 2.5;

    /**
     * The class of the objects that stand where they are until moved: only they count out floor.
     */
    static final String STANDING_LABEL = "box";

    /** How far around an unplaced detection's box its floor counts as unobserved, pixels. */
    static final double UNPLACED_MARGIN = 8;

    private final CameraModel camera;
    private final int width;
    private final int height;
    private final byte[] frames;
    private final double[] uv = new double[2];
    private List<Detection> unplaced = List.of();

    ObservedFloor(CameraModel camera, double floorLength, double floorWidth, RobotPose start) {
        this.camera = camera;
        this.width = (int) Math.ceil(floorLength / RESOLUTION);
        this.height = (int) Math.ceil(floorWidth / RESOLUTION);
        this.frames = new byte[width * height];
        for (int row = 0; row < height; row++) {
            for (int col = 0; col < width; col++) {
                if (Math.hypot(centre(col) - start.x(), centre(row) - start.y()) <= START_RADIUS) {
                    frames[row * width + col] = FRAMES_TO_OBSERVE;
                }
            }
        }
    }

    private static double centre(int index) {
        return (index + 0.5) * RESOLUTION;
    }

    /**
     * Counts the cells one frame taken from {@code pose} shows.
     *
     * @param unplaced the frame's detections that perception could not place on the floor (cut by a
     *     side of the image, a row of boxes merged into one wide detection): the floor in their
     *     boxes holds something the planner was not told of, so it is not observed, whatever
     *     earlier frames showed
     */
    void frame(RobotPose pose, List<Detection> unplaced) {
        this.unplaced = unplaced;
        int c0 = Math.max(0, (int) Math.floor((pose.x() - RANGE) / RESOLUTION));
        int c1 = Math.min(width - 1, (int) Math.floor((pose.x() + RANGE) / RESOLUTION));
        int r0 = Math.max(0, (int) Math.floor((pose.y() - RANGE) / RESOLUTION));
        int r1 = Math.min(height - 1, (int) Math.floor((pose.y() + RANGE) / RESOLUTION));
        for (int row = r0; row <= r1; row++) {
            for (int col = c0; col <= c1; col++) {
                int i = row * width + col;
                double x = centre(col);
                double y = centre(row);
                double rx = pose.robotX(x, y);
                double ry = pose.robotY(x, y);
                if (!unplaced.isEmpty() && behindUnplaced(rx, ry)) {
                    // Whatever earlier frames showed there (a detector can miss a box from afar),
                    // something now stands there that the planner is not told of.
                    frames[i] = 0;
                } else if (frames[i] < FRAMES_TO_OBSERVE && placeable(rx, ry)) {
                    frames[i]++;
                }
            }
        }
    }

    /** Whether an object of {@link #OBJECT_RADIUS} at (rx, ry), robot frame, would be placed. */
    private boolean placeable(double rx, double ry) {
        double cx = rx - camera.mount().x();
        double cy = ry - camera.mount().y();
        double range = Math.hypot(cx, cy);
        double nearer = OBJECT_RADIUS + 0.2;
        if (range > RANGE || range <= nearer || cx <= 0) {
            return false;
        }
        double ux = cx / range;
        double uy = cy / range;
        double side = OBJECT_RADIUS + 0.1;
        double nx = rx - ux * nearer;
        double ny = ry - uy * nearer;
        return inImage(rx, ry)
                && inImage(nx, ny)
                && inImage(rx - uy * side, ry + ux * side)
                && inImage(rx + uy * side, ry - ux * side);
    }

    /** Whether the floor point (rx, ry), robot frame, shows inside an unplaced detection's box. */
    private boolean behindUnplaced(double rx, double ry) {
        if (rx - camera.mount().x() <= 0 || !camera.project(rx, ry, 0, uv)) {
            return false;
        }
        double u = uv[0];
        double v = uv[1];
        for (Detection d : unplaced) {
            if (!STANDING_LABEL.equals(d.label())) {
                // People and robots move on: the floor one stood on is clear later, and the
                // camera may never see it again (a person passing close by stalled the robot).
                continue;
            }
            // The box's lower half: the floor the unplaced objects stand on. Its upper half
            // shows the floor behind them (which they hide; occlusion is not modelled), and
            // counting that out stalled a robot passing a tracked box cut by the image's side.
            if (u >= d.x1() - UNPLACED_MARGIN
                    && u <= d.x2() + UNPLACED_MARGIN
                    && v >= (d.y1() + d.y2()) / 2
                    && v <= d.y2() + UNPLACED_MARGIN) {
                return true;
            }
        }
        return false;
    }

    private boolean inImage(double robotX, double robotY) {
        if (!camera.project(robotX, robotY, 0, uv)) {
            return false;
        }
        CameraIntrinsics k = camera.intrinsics();
        // A box touching a side column is cut there and left unplaced: keep a pixel clear.
        return uv[0] >= 1 && uv[0] < k.width() - 2 && uv[1] >= 0 && uv[1] < k.height() - 1;
    }

    /** The observed cells now, for a snapshot. */
    ObservedSpace snapshot() {
        boolean[] observed = new boolean[frames.length];
        for (int i = 0; i < frames.length; i++) {
            observed[i] = frames[i] >= FRAMES_TO_OBSERVE;
        }
        return new ObservedSpace(width, height, RESOLUTION, 0, 0, observed);
    }
}
