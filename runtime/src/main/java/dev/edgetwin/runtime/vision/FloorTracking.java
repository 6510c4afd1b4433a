package dev.edgetwin.runtime.vision;

import dev.edgetwin.vision.CameraMount;
import dev.edgetwin.vision.FloorObservation;
import dev.edgetwin.vision.RobotPose;
import dev.edgetwin.vision.track.FloorMeasurement;
import dev.edgetwin.vision.track.FloorTracker;
import dev.edgetwin.vision.track.Track;
import dev.edgetwin.vision.track.TrackerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Detections placed on the floor, from one or several cameras, into one {@link FloorTracker}: each
 * placed detection becomes a {@link FloorMeasurement} whose error grows with its range from the
 * camera that saw it. What the daemon and {@code vision evaluate} both run, so the evaluation
 * measures the daemon's tracking.
 *
 * <p>Not thread-safe: one thread (the daemon's inference thread) calls {@link #update}.
 */
public final class FloorTracking {
    /**
     * The measurement error model; validated when built.
     *
     * @param rangeSigmaPerMetre standard deviation along the line of sight per metre of range
     * @param bearingSigmaRadians standard deviation across the line of sight, radians
     * @param minSigma the least standard deviation, metres
     */
    public record MeasurementErrors(
            double rangeSigmaPerMetre, double bearingSigmaRadians, double minSigma) {
        public MeasurementErrors {
            requirePositive("rangeSigmaPerMetre", rangeSigmaPerMetre);
            requirePositive("bearingSigmaRadians", bearingSigmaRadians);
            requirePositive("minSigma", minSigma);
        }

        /**
         * 5 % of range along the line of sight (a box bottom a pixel or two off at 10 m), 0.01 rad
         * across, at least 5 cm.
         */
        public static MeasurementErrors defaults() {
            return new MeasurementErrors(0.05, 0.01, 0.05);
        }

        private static void requirePositive(String name, double value) {
            if (!(value > 0) || !Double.isFinite(value)) {
                throw new IllegalArgumentException(
                        name + " must be a positive number, got " + value);
            }
        }
    }

    /**
     * What one camera saw at the update's moment.
     *
     * @param cameraId the camera
     * @param mount where it sits on the robot
     * @param pose the robot's pose when the frame was captured
     * @param placed its detections on the floor
     */
    public record CameraObservations(
            String cameraId, CameraMount mount, RobotPose pose, List<FloorObservation> placed) {
        public CameraObservations {
            Objects.requireNonNull(cameraId, "cameraId");
            Objects.requireNonNull(mount, "mount");
            Objects.requireNonNull(pose, "pose");
            placed = List.copyOf(placed);
        }

        /** The camera's position on the factory floor. */
        double cameraX() {
            return pose.factoryX(mount.x(), mount.y());
        }

        double cameraY() {
            return pose.factoryY(mount.x(), mount.y());
        }
    }

    private final FloorTracker tracker;
    private final MeasurementErrors errors;

    public FloorTracking(TrackerConfig tracker, MeasurementErrors errors) {
        this.tracker = new FloorTracker(Objects.requireNonNull(tracker, "tracker"));
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    /** The tracker's defaults and {@link MeasurementErrors#defaults()}. */
    public static FloorTracking withDefaults() {
        return new FloorTracking(TrackerConfig.defaults(), MeasurementErrors.defaults());
    }

    /** One camera's frame: see {@link #update(long, List)}. */
    public List<Track> update(long timestampNanos, CameraObservations seen) {
        return update(timestampNanos, List.of(seen));
    }

    /**
     * Every camera's detections at {@code timestampNanos} (capture time) in one tracker update.
     *
     * @return the tracker's tracks after the update (tentative, confirmed, lost, and those removed
     *     by it), by id
     */
    public List<Track> update(long timestampNanos, List<CameraObservations> cameras) {
        List<FloorMeasurement> measurements = new ArrayList<>();
        for (CameraObservations c : cameras) {
            double camX = c.cameraX();
            double camY = c.cameraY();
            for (FloorObservation o : c.placed()) {
                measurements.add(
                        FloorMeasurement.fromObservation(
                                o,
                                c.cameraId(),
                                camX,
                                camY,
                                errors.rangeSigmaPerMetre(),
                                errors.bearingSigmaRadians(),
                                errors.minSigma()));
            }
        }
        return tracker.update(timestampNanos, measurements);
    }
}
