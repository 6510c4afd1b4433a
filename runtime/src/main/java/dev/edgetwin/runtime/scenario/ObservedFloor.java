package dev.edgetwin.runtime.scenario;

import dev.edgetwin.planner.ObservedSpace;
import dev.edgetwin.vision.CameraIntrinsics;
import dev.edgetwin.vision.CameraModel;
import dev.edgetwin.vision.RobotPose;

/**
 * The floor the robot's forward camera has observed well enough that a box standing there would be
 * among the planner's obstacles, for the planner's {@link ObservedSpace}: a cell counts once it was
 * in {@value #FRAMES_TO_OBSERVE} frames (the tracker confirms a track after 3 hits, and a frame's
 * tracks arrive after the perception latency) in the way {@link ClosedLoopEpisode#footPlacement}
 * can place an object there: a box of radius {@value #OBJECT_RADIUS} m on it whole in the image,
 * its near edge included and its sides clear of the image's sides (an object cut by a side is not
 * placed), within {@value #RANGE} m. Floor under the robot's start, within {@value #START_RADIUS}
 * m, counts as observed: the robot was put down there on clear floor, and without it the camera's
 * blind zone in front of the robot (about 1.3 m) could never be entered.
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
    static final double START_RADIUS = 2.0;

    private final CameraModel camera;
    private final int width;
    private final int height;
    private final byte[] frames;
    private final double[] uv = new double[2];

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

    /** Counts the cells one frame taken from {@code pose} shows. */
    void frame(RobotPose pose) {
        int c0 = Math.max(0, (int) Math.floor((pose.x() - RANGE) / RESOLUTION));
        int c1 = Math.min(width - 1, (int) Math.floor((pose.x() + RANGE) / RESOLUTION));
        int r0 = Math.max(0, (int) Math.floor((pose.y() - RANGE) / RESOLUTION));
        int r1 = Math.min(height - 1, (int) Math.floor((pose.y() + RANGE) / RESOLUTION));
        for (int row = r0; row <= r1; row++) {
            for (int col = c0; col <= c1; col++) {
                int i = row * width + col;
                if (frames[i] >= FRAMES_TO_OBSERVE) {
                    continue;
                }
                double x = centre(col);
                double y = centre(row);
                if (placeable(pose.robotX(x, y), pose.robotY(x, y))) {
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
