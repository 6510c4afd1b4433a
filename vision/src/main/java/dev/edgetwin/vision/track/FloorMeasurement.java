package dev.edgetwin.vision.track;

import dev.edgetwin.vision.Detection;
import dev.edgetwin.vision.FloorObservation;
import java.util.Objects;
import java.util.Optional;

/**
 * One object seen by one camera, placed on the factory floor: what {@link FloorTracker} consumes.
 * Cameras with different mount poses all report in the factory frame, so one tracker serves them
 * all.
 *
 * @param classId the detector's class index; tracks only take measurements of their own class
 * @param x centre in the factory frame, metres
 * @param y centre in the factory frame, metres
 * @param varX variance of {@code x}, m^2
 * @param covXY covariance of {@code x} and {@code y}, m^2
 * @param varY variance of {@code y}, m^2
 * @param confidence the detector's score in [0, 1]
 * @param cameraId which camera saw it
 * @param imageBox the box in that camera's image, when there is one; the tracker does not use it
 */
public record FloorMeasurement(
        int classId,
        double x,
        double y,
        double varX,
        double covXY,
        double varY,
        float confidence,
        String cameraId,
        Optional<Detection> imageBox) {

    public FloorMeasurement {
        Objects.requireNonNull(cameraId, "cameraId");
        Objects.requireNonNull(imageBox, "imageBox");
        if (classId < 0) {
            throw new IllegalArgumentException("classId must be >= 0, got " + classId);
        }
        if (!Double.isFinite(x) || !Double.isFinite(y)) {
            throw new IllegalArgumentException("position must be finite, got x=" + x + " y=" + y);
        }
        if (!(varX > 0)
                || !(varY > 0)
                || !Double.isFinite(varX)
                || !Double.isFinite(varY)
                || !Double.isFinite(covXY)
                || !(varX * varY - covXY * covXY > 0)) {
            throw new IllegalArgumentException(
                    "position covariance must be finite and positive definite, got [["
                            + varX
                            + ", "
                            + covXY
                            + "], ["
                            + covXY
                            + ", "
                            + varY
                            + "]]");
        }
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence must be in [0, 1], got " + confidence);
        }
    }

    /** A measurement without an image box and with an isotropic position error. */
    public static FloorMeasurement of(
            int classId, double x, double y, double sigma, float confidence, String cameraId) {
        return new FloorMeasurement(
                classId,
                x,
                y,
                sigma * sigma,
                0,
                sigma * sigma,
                confidence,
                cameraId,
                Optional.empty());
    }

    /**
     * From a {@link FloorObservation}: class, confidence and box come from its detection. The
     * position error grows with range: the standard deviation along the line of sight is {@code
     * rangeSigmaPerMetre * range} and across it {@code bearingSigmaRadians * range}, both at least
     * {@code minSigma}; the line of sight runs from {@code cameraX, cameraY} (the camera's position
     * in the factory frame) to the observation.
     */
    public static FloorMeasurement fromObservation(
            FloorObservation observation,
            String cameraId,
            double cameraX,
            double cameraY,
            double rangeSigmaPerMetre,
            double bearingSigmaRadians,
            double minSigma) {
        double dx = observation.x() - cameraX;
        double dy = observation.y() - cameraY;
        double range = Math.hypot(dx, dy);
        double along = Math.max(minSigma, rangeSigmaPerMetre * range);
        double across = Math.max(minSigma, bearingSigmaRadians * range);
        double c = range > 1e-9 ? dx / range : 1;
        double s = range > 1e-9 ? dy / range : 0;
        // R diag(along^2, across^2) R^T with R the rotation to the line of sight.
        double a2 = along * along;
        double b2 = across * across;
        double varX = c * c * a2 + s * s * b2;
        double varY = s * s * a2 + c * c * b2;
        double covXY = c * s * (a2 - b2);
        Detection d = observation.detection();
        return new FloorMeasurement(
                d.classId(),
                observation.x(),
                observation.y(),
                varX,
                covXY,
                varY,
                d.confidence(),
                cameraId,
                Optional.of(d));
    }
}
