package dev.edgetwin.vision.track;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link FloorTracker}, checked when built.
 *
 * @param highConfidence measurements at or above this are matched first and may start tracks
 * @param lowConfidence measurements below this are ignored; those in {@code [low, high)} only keep
 *     confirmed tracks alive (ByteTrack's second association)
 * @param hitsToConfirm updates with a match a tentative track needs to become confirmed
 * @param maxLostAge how long a track may go unmatched before it is removed
 * @param accelerationSpectralDensity white-acceleration process noise per axis, m^2/s^3: how
 *     quickly the predicted velocity is allowed to drift
 * @param initialSpeedSigma standard deviation of a new track's unknown velocity per axis, m/s
 * @param gateChiSquare a measurement further than this squared Mahalanobis distance from a track's
 *     predicted position cannot match it (9.21 = 99 % for 2 degrees of freedom)
 */
public record TrackerConfig(
        float highConfidence,
        float lowConfidence,
        int hitsToConfirm,
        Duration maxLostAge,
        double accelerationSpectralDensity,
        double initialSpeedSigma,
        double gateChiSquare) {

    /** Chi-square quantile for 2 degrees of freedom at 99 %. */
    public static final double GATE_99_PERCENT = 9.2103;

    public TrackerConfig {
        Objects.requireNonNull(maxLostAge, "maxLostAge");
        if (!(highConfidence > 0 && highConfidence <= 1)) {
            throw new IllegalArgumentException(
                    "highConfidence must be in (0, 1], got " + highConfidence);
        }
        if (!(lowConfidence >= 0 && lowConfidence <= highConfidence)) {
            throw new IllegalArgumentException(
                    "lowConfidence must be in [0, highConfidence="
                            + highConfidence
                            + "], got "
                            + lowConfidence);
        }
        if (hitsToConfirm < 1) {
            throw new IllegalArgumentException("hitsToConfirm must be >= 1, got " + hitsToConfirm);
        }
        if (maxLostAge.isNegative()) {
            throw new IllegalArgumentException("maxLostAge must be >= 0, got " + maxLostAge);
        }
        if (!(accelerationSpectralDensity > 0) || !Double.isFinite(accelerationSpectralDensity)) {
            throw new IllegalArgumentException(
                    "accelerationSpectralDensity must be finite and > 0, got "
                            + accelerationSpectralDensity);
        }
        if (!(initialSpeedSigma > 0) || !Double.isFinite(initialSpeedSigma)) {
            throw new IllegalArgumentException(
                    "initialSpeedSigma must be finite and > 0, got " + initialSpeedSigma);
        }
        if (!(gateChiSquare > 0) || !Double.isFinite(gateChiSquare)) {
            throw new IllegalArgumentException(
                    "gateChiSquare must be finite and > 0, got " + gateChiSquare);
        }
    }

    /**
     * Settings for people, robots and carts in a factory seen at 5-30 Hz: confidences 0.5 / 0.1, 3
     * hits, 1 s of occlusion, 2 m^2/s^3, 2 m/s, 99 % gate.
     */
    public static TrackerConfig defaults() {
        return new TrackerConfig(0.5f, 0.1f, 3, Duration.ofSeconds(1), 1.0, 2.0, GATE_99_PERCENT);
    }

    public TrackerConfig withConfidences(float high, float low) {
        return new TrackerConfig(
                high,
                low,
                hitsToConfirm,
                maxLostAge,
                accelerationSpectralDensity,
                initialSpeedSigma,
                gateChiSquare);
    }

    public TrackerConfig withHitsToConfirm(int hits) {
        return new TrackerConfig(
                highConfidence,
                lowConfidence,
                hits,
                maxLostAge,
                accelerationSpectralDensity,
                initialSpeedSigma,
                gateChiSquare);
    }

    public TrackerConfig withMaxLostAge(Duration age) {
        return new TrackerConfig(
                highConfidence,
                lowConfidence,
                hitsToConfirm,
                age,
                accelerationSpectralDensity,
                initialSpeedSigma,
                gateChiSquare);
    }
}
