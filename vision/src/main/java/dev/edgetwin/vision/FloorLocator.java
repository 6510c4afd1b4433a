package dev.edgetwin.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Places detections on the factory floor: the bottom centre of each box is where the object meets
 * the floor nearest the camera; that pixel is cast onto the floor plane, pushed back along the line
 * of sight by the class's footprint radius to reach the object's centre, and carried from the robot
 * frame into the factory frame through the robot's pose.
 *
 * <p>Immutable and thread-safe.
 */
public final class FloorLocator {
    private final CameraModel camera;
    private final Map<String, Double> footprintRadiusByLabel;

    /**
     * @param footprintRadiusByLabel metres from an object's centre to the edge of its footprint, by
     *     class label; classes not listed are placed at their contact point
     */
    public FloorLocator(CameraModel camera, Map<String, Double> footprintRadiusByLabel) {
        this.camera = camera;
        this.footprintRadiusByLabel = Map.copyOf(footprintRadiusByLabel);
        footprintRadiusByLabel.forEach(
                (label, r) -> {
                    if (!(r >= 0) || !Double.isFinite(r)) {
                        throw new IllegalArgumentException(
                                "footprint radius for '" + label + "' must be >= 0, got " + r);
                    }
                });
    }

    public CameraModel camera() {
        return camera;
    }

    /**
     * The detection's floor position, or empty when its contact point is at or above the horizon.
     */
    public Optional<FloorObservation> locate(Detection detection, RobotPose robotPose) {
        double[] xy = new double[2];
        if (!camera.floorPoint(detection.centerX(), detection.y2(), xy)) {
            return Optional.empty();
        }
        double radius = footprintRadiusByLabel.getOrDefault(detection.label(), 0.0);
        double dx = xy[0] - camera.mount().x();
        double dy = xy[1] - camera.mount().y();
        double range = Math.hypot(dx, dy);
        double robotX = xy[0];
        double robotY = xy[1];
        if (range > 1e-9) {
            robotX += radius * dx / range;
            robotY += radius * dy / range;
        }
        return Optional.of(
                new FloorObservation(
                        detection,
                        robotX,
                        robotY,
                        robotPose.factoryX(robotX, robotY),
                        robotPose.factoryY(robotX, robotY),
                        range + radius));
    }

    /** Locates every detection that can be placed on the floor. */
    public List<FloorObservation> locateAll(List<Detection> detections, RobotPose robotPose) {
        List<FloorObservation> out = new ArrayList<>(detections.size());
        for (Detection d : detections) {
            locate(d, robotPose).ifPresent(out::add);
        }
        return out;
    }
}
